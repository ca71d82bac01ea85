import { registry } from "@web/core/registry";

/**
 * A customer opens the link of a payment reminder (no login) and promises to
 * pay part of the first invoice. Started by tests/test_tours.py on
 * /my/reminders/<id>?access_token=...; the test then checks that the
 * collector sees the promise and that reminders pause on the invoice.
 */
registry.category("web_tour.tours").add("invoice_dispute_reminder_promise", {
    steps: () => [
        {
            content: "The reminder shows the invoices with what is open today",
            trigger: "#o_portal_reminder #o_reminder_invoices .o_reminder_invoice",
        },
        {
            content: "Open the promise form of the first invoice",
            trigger: ".o_reminder_invoice:first .o_reminder_promise_btn",
            run: "click",
        },
        {
            content: "Promise part of what is open",
            trigger: ".o_reminder_form_promise.show input[name='amount']",
            run: "edit 750",
        },
        {
            content: "Send the promise",
            trigger: ".o_reminder_form_promise.show .o_reminder_submit_promise",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The page confirms the promise",
            trigger: "#o_reminder_message.alert-success",
        },
        {
            content: "The promise is listed with what was arranged",
            trigger: "#o_reminder_arrangements .o_reminder_promise:contains('750.00')",
        },
    ],
});
