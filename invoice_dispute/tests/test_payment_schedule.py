from datetime import date
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import TransactionCase, tagged

from ..models.invoice_payment_plan import compute_schedule

# No example database: nothing is written into the working directory.
SETTINGS = settings(max_examples=200, deadline=None, database=None)


@tagged("post_install", "-at_install")
class TestPaymentSchedule(TransactionCase):
    """The pure scheduling function, without records."""

    @SETTINGS
    @given(
        cents=st.integers(min_value=1, max_value=10**11),
        count=st.integers(min_value=1, max_value=60),
        interval=st.sampled_from(["weekly", "biweekly", "monthly"]),
        date_first=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    )
    def test_schedule_properties(self, cents, count, interval, date_first):
        amount = cents / 100
        if cents < count:
            with self.assertRaises(ValueError):
                compute_schedule(amount, count, interval, date_first)
            return
        schedule = compute_schedule(amount, count, interval, date_first)
        self.assertEqual(len(schedule), count)
        shares = [round(share * 100) for __, share in schedule]
        # Exact to the cent, every installment at least one cent, each amount a
        # whole number of cents.
        self.assertEqual(sum(shares), cents)
        self.assertTrue(all(share >= 1 for share in shares))
        for (__, share), cents_share in zip(schedule, shares, strict=True):
            self.assertEqual(round(share, 2), cents_share / 100)
        # Equal installments, the rounding remainder on the last one.
        self.assertEqual(len(set(shares[:-1])), min(1, count - 1))
        self.assertTrue(0 <= shares[-1] - shares[0] < count)
        dates = [date_due for date_due, __ in schedule]
        self.assertEqual(dates[0], date_first)
        self.assertTrue(all(a < b for a, b in pairwise(dates)))

    def test_remainder_on_last(self):
        schedule = compute_schedule(100.0, 3, "weekly", date(2026, 1, 5))
        self.assertEqual([share for __, share in schedule], [33.33, 33.33, 33.34])
        self.assertEqual(
            [d for d, __ in schedule],
            [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19)],
        )
        schedule = compute_schedule(1000.0, 2, "biweekly", date(2026, 1, 5))
        self.assertEqual(
            schedule, [(date(2026, 1, 5), 500.0), (date(2026, 1, 19), 500.0)]
        )

    def test_currency_rounded_to_five_cents(self):
        """A currency rounded to 0.05 gets installments of whole 0.05 units
        that sum to the total, as the plan's own check (``currency.rounding``)
        and the credit notes' split require."""
        schedule = compute_schedule(100.0, 3, "weekly", date(2026, 1, 5), 0.05)
        self.assertEqual([share for __, share in schedule], [33.3, 33.3, 33.4])
        schedule = compute_schedule(0.1, 2, "weekly", date(2026, 1, 5), 0.05)
        self.assertEqual([share for __, share in schedule], [0.05, 0.05])
        with self.assertRaises(ValueError):
            compute_schedule(0.05, 2, "weekly", date(2026, 1, 5), 0.05)

    def test_monthly_month_ends(self):
        dates = [d for d, __ in compute_schedule(4.0, 4, "monthly", date(2026, 1, 31))]
        self.assertEqual(
            dates,
            [
                date(2026, 1, 31),
                date(2026, 2, 28),
                date(2026, 3, 31),
                date(2026, 4, 30),
            ],
        )
        leap = [d for d, __ in compute_schedule(3.0, 3, "monthly", date(2028, 1, 31))]
        self.assertEqual(
            leap, [date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31)]
        )

    def test_impossible_inputs(self):
        with self.assertRaises(ValueError):
            compute_schedule(10.0, 0, "monthly", date(2026, 1, 1))
        with self.assertRaises(ValueError):
            compute_schedule(0.02, 3, "monthly", date(2026, 1, 1))
        with self.assertRaises(ValueError):
            compute_schedule(10.0, 2, "yearly", date(2026, 1, 1))
