from lxml import etree

from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common_collection import CollectionCommon

DISPUTE_STATES = ("new", "investigating", "proposed", "agreed", "resolved")


@tagged("post_install", "-at_install")
class TestPolish(CollectionCommon):
    """What users read (issue 17, point 8)."""

    def header_buttons(self, state):
        """The header buttons of the dispute form visible in ``state``:
        ``[(name, is primary)]``."""
        arch = etree.fromstring(self.env["invoice.dispute"].get_view()["arch"])
        buttons = []
        for button in arch.xpath("//header/button"):
            invisible = button.get("invisible")
            # the form's modifiers only read the state
            if invisible and safe_eval(invisible, {"state": state}):
                continue
            buttons.append(
                (button.get("name"), "btn-primary" in button.get("class", ""))
            )
        return buttons

    def test_dispute_header_buttons(self):
        for state in DISPUTE_STATES:
            with self.subTest(state=state):
                buttons = self.header_buttons(state)
                self.assertLessEqual(sum(primary for __, primary in buttons), 1)
                self.assertLessEqual(len(buttons), 6)
        names = [name for name, __ in self.header_buttons("investigating")]
        self.assertNotIn("action_send_summary", names)
        self.assertNotIn("action_send_summary", dict(self.header_buttons("new")))
        self.assertIn("action_send_summary", dict(self.header_buttons("agreed")))
        self.assertTrue(dict(self.header_buttons("agreed"))["action_resolve"])

    def test_reminders_sent_message(self):
        Rule = self.env["invoice.reminder.rule"]

        def send(rule=Rule):
            return rule.action_send_reminders_now()["params"]["message"]

        send()  # what the common setup left due
        self.assertEqual(send(), "No reminder is due.")
        partner = self.env["res.partner"].create({"name": "One", "email": "o@ex.nl"})
        self.create_overdue(partner, 100.0, 10)
        self.assertEqual(send(), "One reminder sent.")
        self.env["res.lang"]._activate_lang("sk_SK")
        for partner in self.env["res.partner"].create(
            [{"name": f"Zákazník {i}", "email": f"z{i}@ex.sk"} for i in range(3)]
        ):
            self.create_overdue(partner, 100.0, 10)
        message = send(Rule.with_context(lang="sk_SK"))
        self.assertEqual(message, "Odoslané upomienky: 3.")

    def test_dutch_weekday_lowercase(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        self.env.user.lang = "nl_NL"
        self.create_overdue(self.customer, 100.0, 10)
        sheet = self.env["invoice.call.sheet"].create({"partner_id": self.customer.id})
        sheet.action_prepare()
        self.assertIn("donderdag", sheet.talking_points)
        self.assertNotIn("Donderdag", sheet.talking_points)

    def test_language_names(self):
        self.env["res.lang"]._activate_lang("sv_SE")
        phrase = self.env["invoice.tone.phrase"].search([("lang", "=", "sv_SE")])[:1]
        names = dict(phrase._fields["lang"]._description_selection(self.env))
        self.assertEqual(names["sv_SE"], "Swedish / Svenska")
        self.assertEqual(names["en_US"], "English (US)")

    def test_call_sheet_lines_read_only(self):
        arch = etree.fromstring(self.env["invoice.call.sheet"].get_view()["arch"])
        for name in ("due_line_ids", "context_line_ids"):
            (field,) = arch.xpath(f"//field[@name='{name}']")
            self.assertEqual(field.get("readonly"), "1")
        self.assertFalse(arch.xpath("//field[@name='line_ids']"))

    def test_one_extension_per_odoo_view(self):
        """The invoice and partner forms, the invoice list and the portal
        home each get the addon's elements from one inherited view, in the
        order they had when three (invoice) and four (partner) views added
        them; the merged views' former XML ids are gone."""
        Views = self.env["ir.ui.view"]
        addon_views = self.env["ir.model.data"].search(
            [("module", "=", "invoice_dispute"), ("model", "=", "ir.ui.view")]
        )
        inherited = Views.browse(addon_views.mapped("res_id")).filtered(
            lambda view: (
                view.inherit_id
                and not view.inherit_id.xml_id.startswith("invoice_dispute.")
            )
        )
        targets = inherited.mapped("inherit_id.xml_id")
        self.assertEqual(
            sorted(targets), sorted(set(targets)), "an Odoo view inherited twice"
        )
        for xmlid in (
            "view_move_form_inherit_invoice_dispute_collections",
            "view_move_form_inherit_invoice_reminder",
            "view_out_invoice_tree_inherit_invoice_reminder",
            "view_partner_form_inherit_invoice_dispute_collections",
            "view_partner_form_collections",
            "view_partner_form_inherit_invoice_back_billing",
            "portal_my_home_menu_reminder",
            "portal_my_home_reminder",
        ):
            self.assertFalse(self.env.ref(f"invoice_dispute.{xmlid}", False))

        def names(model, view_type, xpath, view=None):
            view_id = self.env.ref(view).id if view else None
            arch = etree.fromstring(
                self.env[model].get_view(view_id, view_type=view_type)["arch"]
            )
            return [node.get("name") for node in arch.xpath(xpath)]

        self.assertEqual(
            [
                name
                for name in names("account.move", "form", "//header/button")
                if name.startswith(("action_raise", "action_new", "action_check"))
                or name == "action_override_check_findings"
            ],
            [
                "action_raise_dispute",
                "action_new_dispute_proposal",
                "action_new_payment_promise",
                "action_check_invoice",
                "action_override_check_findings",
            ],
        )
        move_stats = [
            "action_view_disputes",
            "action_view_reminder_notices",
            "action_view_dispute_proposals",
            "action_view_payment_plans",
            "action_view_payment_promises",
        ]
        self.assertEqual(
            [
                name
                for name in names(
                    "account.move", "form", "//div[@name='button_box']/button"
                )
                if name in move_stats
            ],
            move_stats,
        )
        self.assertEqual(
            [
                name
                for name in names("account.move", "form", "//notebook/page")
                if name in ("invoice_checks", "reminders")
            ],
            ["invoice_checks", "reminders"],
        )
        self.assertEqual(
            [
                name
                for name in names(
                    "account.move", "list", "//field", "account.view_out_invoice_tree"
                )
                if name.startswith(("reminder_", "dispute_", "check_"))
            ],
            ["reminder_level", "reminder_last_date", "dispute_state", "check_state"],
        )
        partner_stats = [
            "action_view_disputes",
            "action_view_payment_plans",
            "action_view_payment_promises",
            "action_view_dispute_proposals",
            "action_send_reminder",
            "action_view_reminder_notices",
            "action_view_call_sheets",
            "action_view_back_billing",
        ]
        self.assertEqual(
            [
                name
                for name in names(
                    "res.partner", "form", "//div[@name='button_box']/button"
                )
                if name in partner_stats
            ],
            partner_stats,
        )
        self.assertIn("collections", names("res.partner", "form", "//page"))
        # the forms open and save through the UI
        with Form(self.invoice_1) as invoice_form:
            self.assertEqual(invoice_form.dispute_state, self.invoice_1.dispute_state)
        with Form(self.customer) as partner_form:
            partner_form.payment_weekday = partner_form.payment_weekday
