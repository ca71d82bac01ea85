from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import COLLECTOR_GROUPS, InvoiceDisputeCommon


@tagged("post_install", "-at_install")
class TestWorkflowStates(InvoiceDisputeCommon):
    """States change only through the actions; closed records keep what they
    were settled on. Everything as a collector through the ORM, as an RPC call
    would do it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = cls.create_user("wf_collector", COLLECTOR_GROUPS)
        cls.today = fields.Date.context_today(cls.env["res.partner"])

    def as_collector(self, records):
        return records.with_user(self.collector)

    def make_promise(self, **vals):
        return self.env["invoice.payment.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(self.invoice_1.ids)],
                "amount": 400.0,
                "date_promised": self.today + timedelta(days=5),
                "source": "call",
                **vals,
            }
        )

    def make_plan(self, invoices=None, **vals):
        return super().make_plan(
            invoices,
            **{
                "amount_total": 900.0,
                "installment_count": 3,
                "date_first": self.today + timedelta(days=10),
                **vals,
            },
        )

    def make_proposal(self, dispute, **vals):
        return self.env["invoice.dispute.proposal"].create(
            {
                "dispute_id": dispute.id,
                "kind": "discount",
                "amount": 100.0,
                "valid_until": self.today + timedelta(days=10),
                **vals,
            }
        )

    def resolve_with_credit_note(self, dispute, amount):
        dispute.action_start_investigation()
        dispute.action_agree()
        wizard = self.env["invoice.dispute.resolve.wizard"].create(
            {
                "dispute_id": dispute.id,
                "resolution_type": "credit_note",
                "amount": amount,
            }
        )
        wizard.action_confirm()
        self.assertEqual(dispute.state, "resolved")
        return dispute.credit_note_ids

    # ------------------------------------------------------------------
    # 1. States change only through their actions
    # ------------------------------------------------------------------
    def test_state_not_writable(self):
        """Writing a state is refused on every workflow model, whatever the
        target; writing the state a record already has is harmless."""
        dispute = self.create_dispute(self.invoice_1, amounts=[200.0])
        plan = self.make_plan()
        promise = self.make_promise()
        proposal = self.make_proposal(dispute)
        sheet = self.env["invoice.call.sheet"].create({"partner_id": self.customer.id})
        cases = [
            (dispute, "resolved", "new"),
            (plan, "active", "draft"),
            (promise, "kept", "pending"),
            (proposal, "accepted", "draft"),
            (sheet, "done", "draft"),
        ]
        for record, target, current in cases:
            with (
                self.subTest(model=record._name),
                self.assertRaisesRegex(UserError, "Use the buttons"),
            ):
                self.as_collector(record).write({"state": target})
            self.assertEqual(record.state, current)
            # the state it already has: nothing changes, nothing refused
            self.as_collector(record).write({"state": current})
        # a context an RPC call or an import can send does not open the way
        spoofed = self.as_collector(promise).with_context(
            invoice_workflow_state_change=True
        )
        with self.assertRaisesRegex(UserError, "Use the buttons"):
            spoofed.write({"state": "kept"})
        self.assertEqual(promise.state, "pending")
        # the examples: nothing of what they need happened
        self.assertFalse(dispute.resolution_type)
        self.assertFalse(plan.line_ids)
        self.assertFalse(promise.date_settled)

    def test_state_not_given_at_creation(self):
        """A record is created in its initial state; created in any other,
        it is refused and nothing is created."""
        Promise = self.as_collector(self.env["invoice.payment.promise"])
        count = Promise.search_count([])
        with self.assertRaisesRegex(UserError, "created as Pending, not Kept"):
            Promise.create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(self.invoice_1.ids)],
                    "amount": 400.0,
                    "date_promised": self.today + timedelta(days=5),
                    "state": "kept",
                }
            )
        self.assertEqual(Promise.search_count([]), count)
        Plan = self.as_collector(self.env["invoice.payment.plan"])
        with self.assertRaisesRegex(UserError, "Use the buttons"):
            Plan.create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(self.invoice_1.ids)],
                    "amount_total": 900.0,
                    "state": "active",
                }
            )
        Dispute = self.as_collector(self.env["invoice.dispute"])
        with self.assertRaisesRegex(UserError, "Use the buttons"):
            Dispute.create(
                {
                    "partner_id": self.customer.id,
                    "reason_id": self.reason_price.id,
                    "state": "resolved",
                    "line_ids": [
                        Command.create(
                            {"move_id": self.invoice_1.id, "disputed_amount": 10.0}
                        )
                    ],
                }
            )
        Sheet = self.as_collector(self.env["invoice.call.sheet"])
        with self.assertRaisesRegex(UserError, "Use the buttons"):
            Sheet.create({"partner_id": self.customer.id, "state": "done"})
        # the initial state may be given
        promise = Promise.create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(self.invoice_1.ids)],
                "amount": 400.0,
                "date_promised": self.today + timedelta(days=5),
                "state": "pending",
            }
        )
        self.assertEqual(promise.state, "pending")

    def test_actions_still_move_states(self):
        """The actions are the way: as a collector they move the state and
        check where it can move from."""
        dispute = self.as_collector(
            self.create_dispute(self.invoice_1, amounts=[200.0])
        )
        dispute.action_start_investigation()
        self.assertEqual(dispute.state, "investigating")
        with self.assertRaisesRegex(
            UserError, "it cannot be moved to Investigating, only from New"
        ):
            dispute.action_start_investigation()
        dispute.action_reject()
        self.assertEqual(dispute.state, "rejected")
        dispute.action_reopen()
        self.assertEqual(dispute.state, "investigating")
        plan = self.as_collector(self.make_plan())
        # the one way in checks the transitions too
        with self.assertRaisesRegex(UserError, "cannot be moved to Completed"):
            plan._set_state("completed")
        self.assertEqual(plan.state, "draft")
        promise = self.as_collector(self.make_promise())
        promise.action_cancel()
        self.assertEqual(promise.state, "cancelled")
        promise.action_reset_pending()
        self.assertEqual(promise.state, "pending")

    # ------------------------------------------------------------------
    # 2. Closed stays closed
    # ------------------------------------------------------------------
    def test_resolved_dispute_is_frozen(self):
        """What a resolved dispute was settled on cannot change: its lines,
        amounts, invoices, resolution and credit notes. Notes and the lessons
        learnt stay editable; reopening (tracked) allows the rest again."""
        dispute = self.create_dispute(self.invoice_1, amounts=[300.0])
        credit_notes = self.resolve_with_credit_note(dispute, 300.0)
        self.assertTrue(credit_notes)
        mine = self.as_collector(dispute)
        line = mine.line_ids
        refusals = {
            "amount": lambda: line.write({"disputed_amount": 100.0}),
            "unlink line": lambda: line.unlink(),
            "new line": lambda: self.as_collector(
                self.env["invoice.dispute.line"]
            ).create(
                {
                    "dispute_id": dispute.id,
                    "move_id": self.invoice_2.id,
                    "disputed_amount": 50.0,
                }
            ),
            "lines through the dispute": lambda: mine.write(
                {"line_ids": [Command.delete(line.id)]}
            ),
            "credit notes": lambda: mine.write(
                {"credit_note_ids": [Command.unlink(credit_notes.id)]}
            ),
            "resolution": lambda: mine.write({"resolution_type": "no_change"}),
            "customer": lambda: mine.write({"partner_id": self.partner_a.id}),
        }
        for what, refused in refusals.items():
            with (
                self.subTest(what=what),
                self.assertRaisesRegex(UserError, r"is Resolved: .* Reopen it"),
            ):
                refused()
        self.assertRecordValues(
            dispute, [{"state": "resolved", "resolution_type": "credit_note"}]
        )
        self.assertEqual(dispute.line_ids, line)
        self.assertEqual(line.disputed_amount, 300.0)
        self.assertEqual(dispute.credit_note_ids, credit_notes)
        self.assertEqual(dispute.line_ids.move_id, self.invoice_1)
        # nor through the credit note itself: reset to draft or cancelled
        for action in ("button_draft", "button_cancel"):
            with (
                self.subTest(what=action),
                self.assertRaisesRegex(UserError, r"settles DSP/.*Reopen the dispute"),
            ):
                getattr(credit_notes.with_user(self.collector), action)()
        self.assertEqual(credit_notes.state, "posted")
        self.assertEqual(dispute.amount_credited, 300.0)
        # free text and lessons learnt stay editable
        mine.write(
            {
                "root_cause": "pricing_error",
                "preventive_action": "Check the price list.",
                "our_understanding": "<p>Quoted price not applied.</p>",
            }
        )
        line.write({"note": "Unit price"})
        self.assertEqual(dispute.root_cause, "pricing_error")
        # reopened (tracked), the lines can change again
        mine.action_reopen()
        self.flush_tracking()
        changes = dispute.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "state"
        )
        self.assertIn(
            ("Resolved", "Investigating"),
            [(t.old_value_char, t.new_value_char) for t in changes],
        )
        line.write({"disputed_amount": 100.0})
        self.assertEqual(line.disputed_amount, 100.0)

    def test_closed_documents_are_frozen(self):
        """Kept promises, cancelled proposals and plans, done call sheets and
        billed back-billing keep their amounts; a cancelled one is told to be
        reopened first."""
        promise = self.make_promise()
        promise._set_state("kept", {"date_settled": self.today})
        with self.assertRaisesRegex(UserError, r"is Kept: Amount can no longer"):
            self.as_collector(promise).write({"amount": 10.0})
        self.as_collector(promise).write({"note": "Paid by bank transfer."})
        self.assertEqual(promise.amount, 400.0)

        dispute = self.create_dispute(self.invoice_1, amounts=[300.0])
        proposal = self.make_proposal(dispute)
        proposal.action_cancel()
        with self.assertRaisesRegex(UserError, r"is Cancelled: .*Reopen it first"):
            self.as_collector(proposal).write({"amount": 250.0})
        proposal.action_reset_draft()
        self.as_collector(proposal).write({"amount": 250.0})
        self.assertEqual(proposal.amount, 250.0)

        plan = self.make_plan()
        plan.action_generate_schedule()
        plan.action_cancel()
        with self.assertRaisesRegex(
            UserError,
            r"is Cancelled: Schedule can no longer be changed. Reopen it first",
        ):
            self.as_collector(plan).write({"line_ids": [Command.clear()]})
        with self.assertRaisesRegex(UserError, r"is Cancelled"):
            self.as_collector(plan).write({"amount_total": 100.0})
        # nor through the installments themselves
        first = plan.line_ids[:1]
        with self.assertRaisesRegex(UserError, r"is Cancelled: Schedule"):
            self.as_collector(first).write({"amount": 1.0})
        self.assertEqual(len(plan.line_ids), 3)
        self.assertEqual(first.amount, 300.0)
        self.assertEqual(plan.amount_total, 900.0)

        sheet = self.env["invoice.call.sheet"].create({"partner_id": self.customer.id})
        sheet._set_state("done", {"outcome": "no_answer"})
        with self.assertRaisesRegex(UserError, r"is Done: Outcome"):
            self.as_collector(sheet).write({"outcome": "paid"})
        self.as_collector(sheet).write({"outcome_note": "Called twice."})
        self.assertEqual(sheet.outcome, "no_answer")

        waived = self.env["invoice.back.billing"].create(
            {
                "partner_id": self.customer.id,
                "amount": 120.0,
                "date_from": self.today - timedelta(days=60),
                "date_to": self.today - timedelta(days=30),
                "method": "waive",
                "waive_reason": "Our mistake, not the customer's.",
            }
        )
        self.assertEqual(waived.state, "waived")
        with self.assertRaisesRegex(UserError, r"is Waived: Amount, Method"):
            self.as_collector(waived).write({"amount": 480.0, "method": "next_invoice"})
        self.assertEqual(waived.amount, 120.0)

    # ------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------
    def test_import_with_state_refused(self):
        """A CSV import through base_import that gives a promise the state
        'kept' is refused with the same message, in the dry run (Test) and
        in the real run (Import); nothing is created. The same file with the
        initial state imports."""
        Import = self.as_collector(self.env["base_import.import"])
        Promise = self.env["invoice.payment.promise"]
        count = Promise.search_count([])
        header = ["partner_id/.id", "move_ids/.id", "amount", "date_promised", "state"]
        options = {
            "quoting": '"',
            "separator": ",",
            "has_headers": True,
            "date_format": "%Y-%m-%d",
        }
        date = fields.Date.to_string(self.today + timedelta(days=5))

        def run(state, dryrun):
            row = [self.customer.id, self.invoice_1.id, 400, date, state]
            data = "\n".join([",".join(header), ",".join(str(value) for value in row)])
            wizard = Import.create(
                {
                    "res_model": Promise._name,
                    "file": data.encode(),
                    "file_name": "promises.csv",
                    "file_type": "text/csv",
                }
            )
            return wizard.execute_import(header, header, dict(options), dryrun=dryrun)

        for dryrun in (True, False):
            with self.subTest(dryrun=dryrun):
                result = run("kept", dryrun)
                self.assertFalse(result.get("ids"))
                messages = [m["message"] for m in result["messages"]]
                self.assertTrue(messages)
                self.assertIn("Use the buttons", messages[0])
                self.assertIn("created as Pending, not Kept", messages[0])
                self.assertEqual(Promise.search_count([]), count)
        self.assertFalse(run("pending", True)["messages"])
        result = run("pending", False)
        self.assertFalse(result["messages"])
        self.assertEqual(Promise.browse(result["ids"]).state, "pending")
        self.assertEqual(Promise.search_count([]), count + 1)
