import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * A collector opens a posted invoice, raises a dispute on it, and resolves the
 * dispute with a credit note for the disputed amount.
 * Started by tests/test_tours.py on the invoice's form view.
 */
registry.category("web_tour.tours").add("invoice_dispute_collector_resolve", {
    steps: () => [
        {
            content: "Raise a dispute from the posted invoice",
            trigger: "button[name=action_raise_dispute]",
            run: "click",
        },
        {
            content: "The dispute form is prefilled with the invoice",
            trigger: ".o_field_widget[name=line_ids] .o_data_row",
        },
        {
            content: "Choose the reason",
            trigger: ".o_field_widget[name=reason_id] input",
            run: "edit Price differs",
        },
        {
            trigger: ".ui-menu-item a:contains('Price differs from the quote')",
            run: "click",
        },
        {
            content: "Take the call as the channel",
            trigger: ".o_field_widget[name=channel] select",
            run: 'select "phone"',
        },
        ...stepUtils.saveForm(),
        {
            content: "Start the investigation",
            trigger: "button[name=action_start_investigation]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Investigating')",
        },
        {
            content: "Resolve",
            trigger: "button[name=action_resolve]",
            run: "click",
        },
        {
            content: "A credit note for the disputed amount is proposed",
            trigger: ".modal .o_field_widget[name=resolution_type] input[data-value=credit_note]:checked",
        },
        {
            content: "Confirm the resolution",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The dispute is resolved",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Resolved')",
        },
        {
            content: "The credit note is linked",
            trigger: "button[name=action_view_credit_notes]",
        },
    ],
});
