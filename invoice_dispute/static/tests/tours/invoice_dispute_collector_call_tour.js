import { registry } from "@web/core/registry";

const { DateTime } = luxon;

/**
 * A collector works the worklist: prepares the call to a customer from its
 * row, then logs the outcome of the call, a promise to pay in a week.
 * Started by tests/test_tours.py on the Collector Worklist.
 */
registry.category("web_tour.tours").add("invoice_dispute_collector_call", {
    steps: () => {
        const promised = DateTime.local().plus({ days: 7 });
        return [
            {
                content: "Prepare the call to the customer from the worklist",
                trigger:
                    ".o_list_view .o_data_row:contains('Van Dijk Bouw') button[name=action_prepare_call_sheet]",
                run: "click",
            },
            {
                content: "The call sheet is prepared",
                trigger:
                    ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Prepared')",
            },
            {
                content: "It lists who to call",
                trigger: ".o_form_view .o_field_widget[name=contact_name]:contains('Piet de Boer')",
            },
            {
                content: "Log the outcome of the call",
                trigger: ".o_form_view button[name=action_log_outcome]",
                run: "click",
            },
            {
                content: "The customer promises to pay",
                trigger: ".modal .o_field_widget[name=outcome] select",
                run: 'select "promise"',
            },
            {
                content: "Promised payment date: in a week",
                trigger: ".modal .o_field_widget[name=promise_date] input",
                run: `edit ${promised.toFormat("MM/dd/yyyy")} && press Enter`,
            },
            {
                content: "The next call is planned the day after the promised date",
                trigger: `.modal .o_field_widget[name=next_date] input:value(${promised
                    .plus({ days: 1 })
                    .toFormat("MM/dd/yyyy")})`,
            },
            {
                content: "Promised amount",
                trigger: ".modal .o_field_widget[name=promise_amount] input",
                run: "edit 800",
            },
            {
                content: "Log the outcome",
                trigger: ".modal button[name=action_confirm]",
                run: "click",
            },
            {
                content: "The call sheet is done",
                trigger:
                    "body:not(:has(.modal)) .o_form_view .o_statusbar_status .o_arrow_button_current:contains('Done')",
            },
            {
                content: "The promise is linked to the call sheet",
                trigger: ".o_form_view button[name=action_view_promises]",
            },
        ];
    },
});
