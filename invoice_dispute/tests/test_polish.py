from lxml import etree

from odoo.tests import tagged
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
