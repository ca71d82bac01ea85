import { registry } from "@web/core/registry";

/**
 * A customer disputes an invoice on the portal: opens the invoice, fills in
 * the dispute form (reason, statement, amount, a document) and sends it.
 * Started by tests/test_tours.py on /my/invoices/<id> as the portal user.
 */
registry.category("web_tour.tours").add("invoice_dispute_portal_dispute", {
    steps: () => [
        {
            content: "Open the dispute form from the invoice",
            trigger: "#o_invoice_dispute_open",
            run: "click",
        },
        {
            content: "Choose the reason",
            trigger: "#o_invoice_dispute_collapse.show select#o_invoice_dispute_reason",
            run: "selectByLabel Price differs from the quote",
        },
        {
            content: "Describe the concern",
            trigger: "#o_invoice_dispute_statement",
            run: "edit We were quoted 750.00 for the consulting, not 1,000.00.",
        },
        {
            content: "Dispute part of the invoice",
            trigger: "#o_invoice_dispute_amount",
            run: "edit 250",
        },
        {
            content: "Attach the quote",
            trigger: "#o_invoice_dispute_attachments",
            run() {
                const dataTransfer = new DataTransfer();
                dataTransfer.items.add(
                    new File(["Quote Q-4711: consulting 750.00"], "quote_q4711.txt", {
                        type: "text/plain",
                    })
                );
                this.anchor.files = dataTransfer.files;
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Send the dispute",
            trigger: "#o_invoice_dispute_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The dispute page confirms the dispute was received",
            trigger: "#o_portal_dispute #o_dispute_message.alert-success",
        },
        {
            content: "It shows the customer's own words",
            trigger: "#o_dispute_statement:contains('We were quoted 750.00')",
        },
    ],
});

/**
 * The customer accepts the due date extension proposed on the dispute.
 * Started on /my/disputes/<id> once the test has sent the proposal.
 */
registry.category("web_tour.tours").add("invoice_dispute_portal_accept_proposal", {
    steps: () => [
        {
            content: "The proposal is shown with its new due date",
            trigger: ".o_dispute_proposal:contains('Due date extension'):contains('New due date')",
        },
        {
            content: "Accept the proposal",
            trigger:
                ".o_dispute_proposal:contains('Due date extension') button.o_dispute_proposal_accept",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The page confirms the acceptance",
            trigger: "#o_portal_dispute #o_dispute_message.alert-success",
        },
        {
            content: "The proposal is accepted and can no longer be answered",
            trigger: ".o_dispute_proposal:contains('Accepted'):not(:has(.o_dispute_proposal_accept))",
        },
    ],
});
