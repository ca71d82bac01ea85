import { registry } from "@web/core/registry";

/**
 * A collector sends a payment reminder now from the customer's form: the
 * wizard proposes the level and the invoices and previews the email.
 * Started by tests/test_reminder_notice.py on the customer's form.
 */
registry.category("web_tour.tours").add("invoice_dispute_send_reminder", {
    steps: () => [
        {
            content: "Send a reminder from the customer",
            trigger: ".o_form_view button[name=action_send_reminder]",
            run: "click",
        },
        {
            content: "The invoice due is proposed",
            trigger: ".modal .o_field_widget[name=move_ids] .o_data_row",
        },
        {
            content: "The email is previewed",
            trigger: ".modal .o_field_widget[name=preview]:contains('Dear')",
        },
        {
            content: "Send it",
            trigger: ".modal button[name=action_send]",
            run: "click",
        },
        {
            content: "The notice is open, queued",
            trigger:
                ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Queued')",
        },
    ],
});
