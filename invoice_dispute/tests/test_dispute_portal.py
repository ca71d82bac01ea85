import re

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import MANAGER_GROUPS, InvoiceDisputeCommon

# The token of a form, or the session's one that every page carries.
CSRF_RE = re.compile(r'(?:name="csrf_token" value="|csrf_token: ")([^"]+)"')


@tagged("post_install", "-at_install")
class TestDisputePortal(InvoiceDisputeCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = cls.create_user(
            "carla",
            ["invoice_dispute.group_invoice_dispute_user"],
            name="Carla Collector",
        )
        cls.customer.collector_id = cls.collector

        cls.portal_anne = cls.create_portal_user(
            "anne_portal", cls.customer_contact, cls.env.company
        )
        cls.partner_a.email = "partner_a@example.com"
        cls.portal_other = cls.create_portal_user(
            "other_portal", cls.partner_a, cls.env.company
        )
        # A customer of another company, with a portal user of that company.
        cls.other_company = cls.setup_other_company()["company"]
        cls.foreign_customer = cls.env["res.partner"].create(
            {"name": "Nordic Trä AB", "is_company": True, "email": "ap@nordic.example"}
        )
        cls.portal_foreign = cls.create_portal_user(
            "foreign_portal", cls.foreign_customer, cls.other_company
        )
        cls.dispute = cls.create_dispute(
            contact_id=cls.customer_contact.id,
            customer_statement="<p>The price is not what was quoted.</p>",
        )
        cls.other_dispute = cls.create_dispute(
            invoices=cls.other_invoice,
            customer_statement="<p>Secret concern of partner A.</p>",
        )

    def login(self, user):
        self.authenticate(user.login, f"{user.login}-Secret-123")

    def csrf(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        match = CSRF_RE.search(response.text)
        self.assertTrue(match, f"no CSRF token in {url}")
        return match.group(1), response

    def post_dispute(self, invoice, amount, statement="Quoted 800, billed 1000.", **kw):
        token, __ = self.csrf(f"/my/invoices/{invoice.id}")
        data = {
            "csrf_token": token,
            "reason_id": str(self.reason_price.id),
            "customer_statement": statement,
            "disputed_amount": amount,
            **kw.pop("data", {}),
        }
        return self.url_open(
            f"/my/invoices/{invoice.id}/dispute", data=data, files=kw.get("files")
        )

    def new_disputes(self):
        self.env.invalidate_all()
        return self.env["invoice.dispute"].search(
            [("id", "not in", (self.dispute | self.other_dispute).ids)]
        )

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------
    def test_my_disputes(self):
        self.login(self.portal_anne)
        response = self.url_open("/my/disputes")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.dispute.name, response.text)
        self.assertNotIn(self.other_dispute.name, response.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["dispute_count"]}
        )
        self.assertEqual(counters["dispute_count"], 1)

        response = self.url_open(f"/my/disputes/{self.dispute.id}")
        self.assertEqual(response.status_code, 200)
        for text in (
            self.dispute.name,
            self.invoice_1.name,
            "The price is not what was quoted.",
            'id="discussion"',
        ):
            self.assertIn(text, response.text)

    def test_other_customer_gets_no_data(self):
        self.login(self.portal_anne)
        for url in (
            f"/my/disputes/{self.other_dispute.id}",
            f"/my/disputes/{self.other_dispute.id}?access_token=wrong",
            "/my/disputes/999999",
        ):
            response = self.url_open(url, allow_redirects=False)
            self.assertIn(response.status_code, (303, 403, 404), url)
            self.assertNotIn("Secret concern", response.text)
            self.assertNotIn(self.other_dispute.name, response.text)
        # With the other customer's document token it is theirs to share.
        self.other_dispute._portal_ensure_token()
        response = self.url_open(self.other_dispute.get_portal_url())
        self.assertIn("Secret concern", response.text)

    def test_other_company_customer_sees_nothing(self):
        self.login(self.portal_foreign)
        response = self.url_open("/my/disputes")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_portal_no_disputes", response.text)
        self.assertNotIn(self.dispute.name, response.text)
        response = self.url_open(
            f"/my/disputes/{self.dispute.id}", allow_redirects=False
        )
        self.assertEqual(response.status_code, 303)
        self.assertNotIn("not what was quoted", response.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["dispute_count"]}
        )
        self.assertEqual(counters["dispute_count"], 0)

    # ------------------------------------------------------------------
    # "Dispute this invoice"
    # ------------------------------------------------------------------
    def test_dispute_form_creates_dispute(self):
        self.login(self.portal_anne)
        __, page = self.csrf(f"/my/invoices/{self.invoice_2.id}")
        self.assertIn('id="o_invoice_dispute_form"', page.text)
        self.assertIn('id="o_invoice_dispute_open"', page.text)
        self.assertIn('value="500.00"', page.text)
        # The invoice with an open dispute links to it instead.
        __, page = self.csrf(f"/my/invoices/{self.invoice_1.id}")
        self.assertNotIn('id="o_invoice_dispute_form"', page.text)
        self.assertIn(self.dispute.name, page.text)

        response = self.post_dispute(
            self.invoice_2,
            "120.50",
            statement="We ordered 10 <script>alert('x')</script> units, not 12.",
            files=[
                ("attachments", ("order.pdf", b"%PDF-1.4 order", "application/pdf"))
            ],
        )
        self.assertEqual(response.status_code, 200)
        dispute = self.new_disputes()
        self.assertEqual(len(dispute), 1)
        self.assertIn(f"/my/disputes/{dispute.id}", response.url)
        self.assertIn("we received your dispute", response.text)
        # What the customer typed is escaped, never executed.
        self.assertNotIn("<script>alert", response.text)
        self.assertIn("&lt;script&gt;", response.text)
        self.assertRecordValues(
            dispute,
            [
                {
                    "channel": "portal",
                    "partner_id": self.customer.id,
                    "contact_id": self.customer_contact.id,
                    "user_id": self.collector.id,
                    "reason_id": self.reason_price.id,
                    "amount_disputed": 120.5,
                    "state": "new",
                }
            ],
        )
        self.assertEqual(dispute.line_ids.move_id, self.invoice_2)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "invoice.dispute"), ("res_id", "=", dispute.id)]
        )
        self.assertEqual(attachment.name, "order.pdf")
        self.assertEqual(attachment.raw, b"%PDF-1.4 order")
        # The collector has something to do, the customer an acknowledgement.
        self.assertEqual(dispute.activity_ids.user_id, self.collector)
        self.assertIn(self.collector.partner_id, dispute.message_partner_ids)
        ack = dispute.message_ids.filtered(
            lambda m: "we received your dispute" in (m.subject or "")
        )
        self.assertEqual(len(ack), 1)
        self.assertIn(self.customer_contact, ack.partner_ids)
        self.assertTrue(
            ack.notification_ids.filtered(
                lambda n: (
                    n.res_partner_id == self.customer_contact
                    and n.notification_type == "email"
                )
            )
        )
        statement = dispute.message_ids.filtered(lambda m: m.attachment_ids)
        self.assertEqual(statement.author_id, self.customer_contact)
        self.assertEqual(statement.attachment_ids, attachment)

    def test_dispute_without_collector_has_a_person(self):
        """A customer without a collector, its invoice's salesperson no
        collector: the company's dispute manager handles the dispute -- shown
        to the customer, signing the acknowledgement, with the activity --
        never OdooBot."""
        manager = self.create_user(
            "portal_manager", MANAGER_GROUPS, name="Marta Manager"
        )
        self.env.company.dispute_manager_id = manager
        seller = self.create_user("portal_seller", ["base.group_user"], name="Sel")
        invoice = self.create_invoice(self.partner_a, 250.0, invoice_user_id=seller.id)
        self.login(self.portal_other)
        response = self.post_dispute(invoice, "100.00")
        self.assertEqual(response.status_code, 200)
        dispute = self.new_disputes()
        self.assertEqual(dispute.user_id, manager)
        self.assertIn("Marta Manager", response.text)
        self.assertNotIn("OdooBot", response.text)
        self.assertEqual(dispute.activity_ids.user_id, manager)
        ack = dispute.message_ids.filtered(
            lambda m: "we received your dispute" in (m.subject or "")
        )
        self.assertEqual(ack.author_id, manager.partner_id)
        self.assertIn("Marta Manager", ack.body)
        self.assertNotIn("OdooBot", ack.body)

    def test_dispute_form_bad_input(self):
        self.login(self.portal_anne)
        cases = [
            ("0", "greater than zero"),
            ("-5", "greater than zero"),
            ("500.01", "exceeds what is still open"),
            ("lots", "Enter the amount as a number"),
            ("nan", "Enter the amount as a number"),
        ]
        for amount, message in cases:
            with self.subTest(amount=amount):
                response = self.post_dispute(self.invoice_2, amount)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
                self.assertIn('id="o_invoice_dispute_errors"', response.text)
                # What the customer typed is kept in the form.
                self.assertIn("Quoted 800, billed 1000.", response.text)
                self.assertFalse(self.new_disputes())
        response = self.post_dispute(
            self.invoice_2, "10", statement="  ", data={"reason_id": ""}
        )
        self.assertIn("Choose the reason", response.text)
        self.assertIn("Describe in your own words", response.text)
        response = self.post_dispute(
            self.invoice_2,
            "10",
            files=[
                ("attachments", (f"{i}.txt", b"x", "text/plain")) for i in range(11)
            ],
        )
        self.assertIn("at most 10 files", response.text)
        # An invoice that already has an open dispute.
        response = self.post_dispute(self.invoice_1, "10")
        self.assertIn("already has an open dispute", response.text)
        self.assertFalse(self.new_disputes())

    def test_dispute_form_other_customer_invoice(self):
        self.login(self.portal_anne)
        token, __ = self.csrf(f"/my/invoices/{self.invoice_2.id}")
        response = self.url_open(
            f"/my/invoices/{self.other_invoice.id}/dispute",
            data={
                "csrf_token": token,
                "reason_id": str(self.reason_price.id),
                "customer_statement": "Not mine",
                "disputed_amount": "10",
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertFalse(self.new_disputes())
        # Without a CSRF token the form is refused.
        response = self.url_open(
            f"/my/invoices/{self.invoice_2.id}/dispute",
            data={
                "reason_id": str(self.reason_price.id),
                "customer_statement": "No token",
                "disputed_amount": "10",
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.new_disputes())

    # ------------------------------------------------------------------
    # Proposals
    # ------------------------------------------------------------------
    def create_proposal(self, dispute=None, state="sent"):
        dispute = dispute or self.dispute
        proposal = self.env["invoice.dispute.proposal"].create(
            {
                "dispute_id": dispute.id,
                "partner_id": dispute.partner_id.id,
                "move_ids": [Command.set(dispute.move_ids.ids)],
                "kind": "due_date_extension",
                "new_date_due": fields.Date.add(fields.Date.today(), days=30),
                "valid_until": fields.Date.add(fields.Date.today(), days=10),
            }
        )
        proposal._force_state(state)
        return proposal

    def answer(self, proposal, decision, dispute=None):
        dispute = dispute or self.dispute
        token, __ = self.csrf(f"/my/disputes/{self.dispute.id}")
        return self.url_open(
            f"/my/disputes/{dispute.id}/proposal/{proposal.id}/{decision}",
            data={"csrf_token": token},
        )

    def test_proposal_accept(self):
        proposal = self.create_proposal()
        self.login(self.portal_anne)
        page = self.url_open(f"/my/disputes/{self.dispute.id}")
        self.assertIn(f'id="o_dispute_proposal_accept_{proposal.id}"', page.text)
        self.assertIn(f'id="o_dispute_proposal_decline_{proposal.id}"', page.text)
        response = self.answer(proposal, "accept")
        self.assertEqual(response.status_code, 200)
        self.assertIn("you accepted our proposal", response.text)
        self.env.invalidate_all()
        self.assertEqual(proposal.state, "accepted")
        trace = self.dispute.message_ids.filtered(
            lambda m: "accepted on the customer portal" in (m.body or "")
        )
        self.assertEqual(len(trace), 1)
        self.assertIn("anne_portal", trace.body)
        self.assertIn("127.0.0.1", trace.body)
        self.assertEqual(trace.author_id, self.customer_contact)
        self.assertTrue(
            proposal.message_ids.filtered(
                lambda m: "accepted on the customer portal" in (m.body or "")
            )
        )
        # Answered once: a second answer is refused with a message.
        response = self.answer(proposal, "decline")
        self.assertIn("cannot be answered, only from Sent", response.text)
        self.env.invalidate_all()
        self.assertEqual(proposal.state, "accepted")

    def test_proposal_decline(self):
        proposal = self.create_proposal()
        self.login(self.portal_anne)
        response = self.answer(proposal, "decline")
        self.assertIn("You declined our proposal", response.text)
        self.env.invalidate_all()
        self.assertEqual(proposal.state, "declined")
        self.assertTrue(
            self.dispute.message_ids.filtered(
                lambda m: "declined on the customer portal" in (m.body or "")
            )
        )

    def test_proposal_not_answerable(self):
        draft = self.create_proposal(state="draft")
        foreign = self.create_proposal(dispute=self.other_dispute)
        self.login(self.portal_anne)
        page = self.url_open(f"/my/disputes/{self.dispute.id}")
        self.assertNotIn(f"o_dispute_proposal_accept_{draft.id}", page.text)
        response = self.answer(draft, "accept")
        self.assertIn("cannot be answered, only from Sent", response.text)
        # Another customer's proposal, through one's own dispute or theirs.
        self.answer(foreign, "accept")
        self.answer(foreign, "accept", dispute=self.other_dispute)
        self.env.invalidate_all()
        self.assertEqual(draft.state, "draft")
        self.assertEqual(foreign.state, "sent")

    def test_record_rules(self):
        sent = self.create_proposal()
        draft = self.create_proposal(state="draft")
        foreign = self.create_proposal(dispute=self.other_dispute, state="sent")
        anne = self.env(user=self.portal_anne)
        self.assertEqual(anne["invoice.dispute"].search([]), self.dispute)
        self.assertEqual(anne["invoice.dispute.line"].search([]), self.dispute.line_ids)
        # Internal drafts stay internal; other customers' proposals are unseen.
        self.assertEqual(anne["invoice.dispute.proposal"].search([]), sent)
        for record in (self.other_dispute, draft, foreign):
            with self.assertRaises(AccessError):
                record.with_user(self.portal_anne).read(["name"])
        with self.assertRaises(AccessError):
            self.dispute.with_user(self.portal_anne).write({"state": "cancelled"})
        # Internal working notes are not readable through the ORM; what the
        # portal page shows of them it reads through sudo.
        own = self.dispute.with_user(self.portal_anne)
        self.assertEqual(own.read(["name"])[0]["name"], self.dispute.name)
        for field in (
            "our_understanding",
            "resolution_note",
            "root_cause",
            "preventive_action",
        ):
            with self.assertRaises(AccessError, msg=field):
                own.read([field])
        self.assertNotIn("root_cause", own.read()[0])
        foreign_env = self.env(user=self.portal_foreign)
        for model in (
            "invoice.dispute",
            "invoice.dispute.line",
            "invoice.dispute.proposal",
            "invoice.payment.plan",
            "invoice.payment.promise",
        ):
            self.assertFalse(foreign_env[model].search([]), model)
