from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import InvoiceDisputeCommon


@tagged("post_install", "-at_install")
class TestDisputeReplyWizard(InvoiceDisputeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in ("nl_NL", "sk_SK", "sv_SE"):
            cls.env["res.lang"]._activate_lang(lang)
        cls.dispute = cls.create_dispute(contact_id=cls.customer_contact.id)

    def open_wizard(self, body, dispute=None):
        dispute = dispute or self.dispute
        wizard_form = Form(
            self.env["invoice.dispute.reply.wizard"].with_context(
                default_dispute_id=dispute.id
            )
        )
        wizard_form.body = body
        return wizard_form.save()

    def comments(self, dispute=None):
        return (dispute or self.dispute).message_ids.filtered(
            lambda m: (
                m.message_type == "comment"
                and m.subtype_id == self.env.ref("mail.mt_comment")
            )
        )

    def test_clean_text_sends_directly(self):
        wizard = self.open_wizard(
            "<p>Thank you for sharing your concerns. Let's review the invoice "
            "against the agreed terms together.</p>"
        )
        self.assertEqual(wizard.recipient_id, self.customer_contact)
        self.assertEqual(wizard.subject, f"Re: {self.dispute.name}")
        action = wizard.action_check_send()
        self.assertEqual(action["type"], "ir.actions.act_window_close")
        message = self.comments()[:1]
        self.assertIn("agreed terms", message.body)
        self.assertEqual(message.partner_ids, self.customer_contact)
        self.assertEqual(message.subject, f"Re: {self.dispute.name}")

    def test_findings_block_until_confirmed(self):
        wizard = self.open_wizard("<p>Sorry, but that's not our fault.</p>")
        action = wizard.action_check_send()
        self.assertEqual(action["res_model"], "invoice.dispute.reply.wizard")
        self.assertEqual(action["res_id"], wizard.id)
        self.assertEqual(wizard.state, "review")
        self.assertEqual(wizard.finding_ids.mapped("phrase"), ["that's not our fault"])
        self.assertTrue(wizard.finding_ids.suggestion)
        self.assertFalse(self.comments())
        # Checking again without confirming still blocks.
        wizard.action_check_send()
        self.assertFalse(self.comments())
        # Confirmed: sent as written, with a trace for colleagues.
        wizard.send_anyway = True
        action = wizard.action_check_send()
        self.assertEqual(action["type"], "ir.actions.act_window_close")
        self.assertIn("not our fault", self.comments()[:1].body)
        note = self.dispute.message_ids.filtered(
            lambda m: "despite the tone check" in (m.body or "")
        )
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))

    def test_edit_after_findings(self):
        wizard = self.open_wizard("<p>That's simply how our billing works.</p>")
        wizard.action_check_send()
        self.assertEqual(wizard.state, "review")
        # Confirming does not cover a different text with findings of its own.
        wizard.write({"body": "<p>You should have known.</p>", "send_anyway": True})
        wizard.action_check_send()
        self.assertFalse(self.comments())
        self.assertFalse(wizard.send_anyway)
        self.assertEqual(wizard.finding_ids.mapped("phrase"), ["you should have known"])
        # Rephrased with the suggestion: sent.
        wizard.body = f"<p>{wizard.finding_ids.suggestion}</p>"
        wizard.action_check_send()
        self.assertEqual(len(self.comments()), 1)

    def test_customer_language(self):
        cases = {
            "nl_NL": "Zo werkt onze facturering nu eenmaal - dat had u moeten weten.",
            "sk_SK": "To nie je naša chyba.",
            "sv_SE": "Det är inte vårt fel.",
            "en_US": "That's not our fault.",
        }
        for lang, text in cases.items():
            with self.subTest(lang=lang):
                self.customer_contact.lang = lang
                wizard = self.open_wizard(f"<p>{text}</p>")
                self.assertEqual(wizard.lang, lang)
                wizard.action_check_send()
                self.assertEqual(wizard.state, "review")
                self.assertTrue(wizard.finding_ids)
        self.assertFalse(self.comments())

    def test_text_language_not_profile(self):
        """A reply in English to a Swedish customer, written by a Dutch
        collector: the English phrases apply (issue 17, point 5), and the
        findings are shown before anything is sent."""
        self.customer_contact.lang = "sv_SE"
        self.env.user.lang = "nl_NL"
        wizard = self.open_wizard(
            "<p>Sorry, that's not our fault, that's simply how our billing "
            "works, you should have known.</p>"
        )
        self.assertEqual(wizard.lang, "sv_SE")
        wizard.action_check_send()
        self.assertEqual(wizard.state, "review")
        self.assertIn("that's not our fault", wizard.finding_ids.mapped("phrase"))
        self.assertFalse(self.comments())
        # the writer's language too: Dutch words to a Swedish customer
        dutch = self.open_wizard("<p>Dat is niet onze schuld.</p>")
        dutch.action_check_send()
        self.assertEqual(dutch.state, "review")

    def test_summary_findings_before_sending(self):
        """The written summary is tone-checked like a reply (issue 17, point
        5): with findings nothing is sent, the reply wizard shows them on the
        summary, and only a confirmed text goes out; a clean summary is sent
        at once."""
        self.customer_contact.lang = "sv_SE"
        dispute = self.create_dispute(
            self.invoice_2, contact_id=self.customer_contact.id
        )
        dispute.action_start_investigation()
        dispute.our_understanding = "<p>Sorry, but that's not our fault.</p>"
        action = dispute.action_send_summary()
        self.assertEqual(action["res_model"], "invoice.dispute.reply.wizard")
        wizard = self.env["invoice.dispute.reply.wizard"].browse(action["res_id"])
        self.assertEqual(wizard.dispute_id, dispute)
        self.assertEqual(wizard.state, "review")
        self.assertIn("that's not our fault", wizard.finding_ids.mapped("phrase"))
        self.assertIn(dispute.name, wizard.subject)
        self.assertFalse(self.comments(dispute))
        wizard.send_anyway = True
        wizard.action_check_send()
        self.assertIn("not our fault", self.comments(dispute)[:1].body)
        self.assertEqual(self.comments(dispute)[:1].partner_ids, self.customer_contact)
        dispute.our_understanding = "<p>The delivery was late; we check it.</p>"
        self.assertIs(dispute.action_send_summary(), True)
        self.assertEqual(len(self.comments(dispute)), 2)

    def test_summaries_of_several_disputes_all_or_none(self):
        """Sent on several disputes at once, the summaries are all checked
        before any is sent: one with findings keeps the clean ones back too
        (nothing half-sent)."""
        clean = self.create_dispute(
            self.create_invoice(self.customer, 300.0),
            contact_id=self.customer_contact.id,
        )
        rude = self.create_dispute(self.invoice_2, contact_id=self.customer_contact.id)
        (clean | rude).action_start_investigation()
        clean.our_understanding = "<p>The delivery was late; we check it.</p>"
        rude.our_understanding = "<p>Sorry, but that's not our fault.</p>"
        action = (clean | rude).action_send_summary()
        self.assertEqual(action["res_model"], "invoice.dispute.reply.wizard")
        self.assertFalse(self.comments(clean))
        self.assertFalse(self.comments(rude))
        rude.our_understanding = "<p>We look into the delivery note.</p>"
        self.assertIs((clean | rude).action_send_summary(), True)
        self.assertEqual(len(self.comments(clean)), 1)
        self.assertEqual(len(self.comments(rude)), 1)

    def test_button_on_dispute_form(self):
        arch = self.env["invoice.dispute"].get_view(view_type="form")["arch"]
        self.assertIn('name="action_reply"', arch)
        self.assertIn("Reply to customer", arch)
        dispute = self.env["invoice.dispute"].search([], limit=1)
        action = dispute.action_reply()
        self.assertEqual(action["res_model"], "invoice.dispute.reply.wizard")
        self.assertEqual(action["context"], {"default_dispute_id": dispute.id})

    def test_empty_body(self):
        wizard = self.open_wizard("<p><br></p>")
        with self.assertRaisesRegex(UserError, "Write a reply"):
            wizard.action_check_send()

    def test_recipient_without_email(self):
        """A contact without email: the reply goes to the customer's address
        (res.partner._get_payment_recipient); nobody with an email: refused."""
        self.customer_contact.email = False
        wizard = self.open_wizard("<p>Thank you, we are looking into it.</p>")
        self.assertEqual(wizard.recipient_id, self.customer)
        self.customer.email = False
        wizard = self.open_wizard("<p>Thank you, we are looking into it.</p>")
        with self.assertRaisesRegex(UserError, "no email address"):
            wizard.action_check_send()
        self.assertFalse(self.comments())
