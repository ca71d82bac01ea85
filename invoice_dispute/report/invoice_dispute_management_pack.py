"""The XLSX management pack: one workbook with KPIs, the dispute register,
root causes, receivables aging, payment plans, promises, reminders and the
invoice checks (prevention).

``invoice.dispute.management.pack`` (an AbstractModel, like OCA's
``report.report_xlsx.abstract``) builds it, one method per sheet: another
addon ``_inherit``s it to add a sheet (extend ``_get_sheets``) or change one.
The export wizard and the monthly cron call it. Every sheet is filled from an
aggregated SQL query read through a server-side cursor in chunks (no ORM
records are loaded), and written with xlsxwriter in constant-memory mode, so
the memory used does not grow with the number of disputes.

Record rules apply: the rows come from the ids ``Model._search`` lets the
current user see, intersected with the companies asked for.
"""

import logging
import re
import tempfile
from datetime import timedelta

import xlsxwriter
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.fields import Command
from odoo.tools import SQL

from ..models.constants import (
    AGING_BUCKETS,
    CLOSED_STATES,
    MONEY_PAID_PAYMENT_STATES,
    OPEN_STATES,
    selection_labels,
)

_logger = logging.getLogger(__name__)

PAID_WITHIN_DAYS = 14

# strftime directives of res.lang date formats and their Excel equivalents.
_DATE_CODES = {
    "%d": "dd",
    "%e": "d",
    "%m": "mm",
    "%b": "mmm",
    "%B": "mmmm",
    "%y": "yy",
    "%Y": "yyyy",
    "%a": "ddd",
    "%A": "dddd",
}


# Register status of a dispute decided after the period end: open then.
OPEN_AT_END = "open_at_end"


class ManagementPackWriter:
    """One management pack being written: the period, the companies, the
    workbook, its formats, and the helpers the sheets use (record-rule
    filtered sub-selects, streamed SQL, cells and tables).

    ``invoice.dispute.management.pack`` creates one per workbook and passes it
    to each of its sheet methods. Texts are in the language of ``env``.
    """

    CHUNK = 2000

    def __init__(self, env, date_from, date_to, companies):
        self.env = env
        self.date_from = date_from
        self.date_to = date_to
        self.companies = companies.sorted("name")
        self.lang = env.lang or "en_US"
        self.today = fields.Date.context_today(env.user)
        self._cursor_count = 0
        self._currency_formats = {}

    # ------------------------------------------------------------------
    # Entry point
    # ------------------------------------------------------------------
    def open(self, target):
        """Start the workbook on ``target`` (a path or a binary file object),
        in constant-memory mode, with its formats; the caller writes the
        sheets, then closes ``self.workbook``."""
        self.env.flush_all()
        self.workbook = xlsxwriter.Workbook(
            target, {"constant_memory": True, "in_memory": False}
        )
        self._init_formats()
        return self.workbook

    # ------------------------------------------------------------------
    # Helpers: SQL
    # ------------------------------------------------------------------
    def _visible(self, model, domain=()):
        """The ids of ``model`` the user may read in the chosen companies, as
        a sub-select (access rights and record rules applied)."""
        records = self.env[model]
        records.check_access("read")
        return records._search(
            [("company_id", "in", self.companies.ids), *domain]
        ).subselect()

    def _stream(self, query):
        """Yield the rows of ``query`` from a server-side cursor, CHUNK rows at
        a time, so the result set is never held in memory at once."""
        self._cursor_count += 1
        name = SQL.identifier(f"invoice_dispute_pack_{self._cursor_count}")
        cr = self.env.cr
        cr.execute(SQL("DECLARE %s NO SCROLL CURSOR FOR %s", name, query))
        try:
            while True:
                cr.execute(SQL("FETCH FORWARD %s FROM %s", self.CHUNK, name))
                rows = cr.fetchall()
                if not rows:
                    break
                yield from rows
        finally:
            cr.execute(SQL("CLOSE %s", name))

    def _fetch(self, query):
        return list(self._stream(query))

    def _in_period(self, column):
        return SQL("%s BETWEEN %s AND %s", column, self.date_from, self.date_to)

    def _translated(self, column):
        return SQL("COALESCE(%s->>%s, %s->>'en_US')", column, self.lang, column)

    def _labels(self, model, field):
        return selection_labels(self.env[model], field)

    # ------------------------------------------------------------------
    # Helpers: formats and writing
    # ------------------------------------------------------------------
    def _init_formats(self):
        workbook = self.workbook
        lang = self.env["res.lang"]._get_data(code=self.lang)
        date_format = self._excel_date_format(lang.date_format or "%m/%d/%Y")
        self.fmt = {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "bold": workbook.add_format({"bold": True}),
            "header": workbook.add_format(
                {
                    "bold": True,
                    "bg_color": "#D9E1F2",
                    "border": 1,
                    "text_wrap": True,
                    "valign": "top",
                }
            ),
            "text": workbook.add_format({}),
            "int": workbook.add_format({"num_format": "#,##0"}),
            "float": workbook.add_format({"num_format": "#,##0.0"}),
            "percent": workbook.add_format({"num_format": "0.0%"}),
            "date": workbook.add_format({"num_format": date_format}),
            "month": workbook.add_format({"num_format": "mmm yyyy"}),
        }

    @staticmethod
    def _excel_date_format(strftime_format):
        return re.sub(
            r"%[a-zA-Z]",
            lambda match: _DATE_CODES.get(match.group(0), ""),
            strftime_format,
        )

    def _money(self, currency_id):
        """The number format of a currency: its symbol, on its side, and its
        decimal places."""
        if currency_id not in self._currency_formats:
            currency = self.env["res.currency"].browse(currency_id)
            number = "#,##0"
            if currency.decimal_places > 0:
                number += "." + "0" * currency.decimal_places
            symbol = (currency.symbol or currency.name or "").replace('"', "")
            if currency.position == "before":
                num_format = f'"{symbol}"\u00a0{number};-"{symbol}"\u00a0{number}'
            else:
                num_format = f'{number}\u00a0"{symbol}";-{number}\u00a0"{symbol}"'
            self._currency_formats[currency_id] = self.workbook.add_format(
                {"num_format": num_format}
            )
        return self._currency_formats[currency_id]

    def _add_sheet(self, name):
        # Excel refuses some characters and more than 31 in a sheet name.
        return self.workbook.add_worksheet(re.sub(r"[\[\]:*?/\\]", "-", name)[:31])

    def _write_cell(self, sheet, row, col, value, kind, currency_id=None):
        if value is None or value is False:
            sheet.write_blank(row, col, None)
        elif kind == "money":
            sheet.write_number(row, col, value, self._money(currency_id))
        elif kind in ("int", "float", "percent"):
            sheet.write_number(row, col, value, self.fmt[kind])
        elif kind in ("date", "month"):
            sheet.write_datetime(row, col, value, self.fmt[kind])
        else:
            sheet.write_string(row, col, str(value))

    def _table(self, sheet, columns, rows, first_row=0):
        """Write a table: a frozen header row, then ``rows`` (an iterable of
        ``(values, currency_id)``), then an autofilter over it.
        ``columns`` is a list of ``(header, width, kind)``."""
        for col, (header, width, _kind) in enumerate(columns):
            sheet.set_column(col, col, width)
            sheet.write_string(first_row, col, header, self.fmt["header"])
        sheet.freeze_panes(first_row + 1, 0)
        row = first_row
        kinds = [kind for _header, _width, kind in columns]
        for values, currency_id in rows:
            row += 1
            for col, (value, kind) in enumerate(zip(values, kinds, strict=True)):
                self._write_cell(sheet, row, col, value, kind, currency_id)
        sheet.autofilter(first_row, 0, row, len(columns) - 1)
        return row

    def _add_table_chart(
        self,
        sheet,
        kind,
        title,
        rows,
        value_cols,
        anchor,
        series_name=None,
        data_labels=None,
        x_axis=None,
    ):
        """Chart a table written on ``sheet``: its categories in column 0,
        one series per column of ``value_cols``.

        :param sheet: the worksheet holding the table and receiving the chart
        :param str kind: the xlsxwriter chart type ("pie", "column", ...)
        :param str title: the chart's title, translated
        :param tuple rows: ``(header_row, last_row)``: the table's header row
            (each series is named by its header cell) and its last data row
        :param value_cols: the columns charted, one series each
        :param tuple anchor: ``(row, col)`` of the chart's top-left cell
        :param str series_name: the name of every series instead of its
            header cell (a single-series chart named like its title)
        :param dict data_labels: xlsxwriter ``data_labels`` of each series
        :param dict x_axis: xlsxwriter options of the x axis
        :return: the xlsxwriter chart, inserted
        """
        sheet_name = sheet.get_name().replace("'", "''")
        header_row, last_row = rows
        chart = self.workbook.add_chart({"type": kind})
        for col in value_cols:
            series = {
                "name": series_name or [sheet_name, header_row, col],
                "categories": [sheet_name, header_row + 1, 0, last_row, 0],
                "values": [sheet_name, header_row + 1, col, last_row, col],
            }
            if data_labels:
                series["data_labels"] = data_labels
            chart.add_series(series)
        chart.set_title({"name": title})
        if x_axis:
            chart.set_x_axis(x_axis)
        sheet.insert_chart(*anchor, chart)
        return chart


def last_month(today):
    """First and last day of the month before ``today``."""
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return first, today.replace(day=1) - timedelta(days=1)


class InvoiceDisputeManagementPack(models.AbstractModel):
    """The management pack (XLSX), one method per sheet.

    Each sheet method takes the ``ManagementPackWriter`` of the workbook being
    written (``pack``); ``_get_sheets`` lists them in workbook order. An addon
    adds a sheet with::

        class InvoiceDisputeManagementPack(models.AbstractModel):
            _inherit = "invoice.dispute.management.pack"

            def _get_sheets(self):
                return super()._get_sheets() + ["_sheet_my_sheet"]

            def _sheet_my_sheet(self, pack):
                sheet = pack._add_sheet(self.env._("My sheet"))
                pack._table(sheet, columns, rows)
    """

    _name = "invoice.dispute.management.pack"
    _description = "Dispute Management Pack (XLSX)"

    @api.model
    def _get_sheets(self):
        """The names of the sheet methods, in workbook order; each is called
        with the writer (``pack``) and adds its worksheet.

        :return: list of method names of this model
        """
        return [
            "_sheet_summary",
            "_sheet_register",
            "_sheet_root_causes",
            "_sheet_aging",
            "_sheet_payment_plans",
            "_sheet_promises",
            "_sheet_reminders",
            "_sheet_prevention",
        ]

    @api.model
    def _write_pack(self, target, date_from, date_to, companies):
        """Write the management pack of ``companies`` (res.company records,
        intersected with what the current user may read: record rules apply)
        for the period ``date_from`` to ``date_to`` (dates, inclusive) to
        ``target``, in the language of the environment. Amounts are in each
        company's currency (spec section 7).

        :param target: a path or a binary file object
        :return: ``target``
        """
        pack = ManagementPackWriter(self.env, date_from, date_to, companies)
        workbook = pack.open(target)
        try:
            for method in self._get_sheets():
                getattr(self, method)(pack)
        finally:
            workbook.close()
        return target

    @api.model
    def _build_pack(self, date_from, date_to, companies):
        """The management pack as bytes (see ``_write_pack``), built through
        a temporary file.

        :return: bytes of an XLSX workbook
        """
        with tempfile.TemporaryFile(suffix=".xlsx") as tmp:
            self._write_pack(tmp, date_from, date_to, companies)
            tmp.seek(0)
            return tmp.read()

    @api.model
    def _get_manager_groups(self):
        """{company: {lang: users}} of the dispute managers to send the pack
        to: each company's managers with an email, by language."""
        result = {}
        group = self.env.ref("invoice_dispute.group_invoice_dispute_manager")
        for company in group.users.company_ids:
            managers = company._get_dispute_managers(designated=False).filtered("email")
            if managers:
                result[company] = managers.grouped(
                    lambda u, c=company: u._get_invoice_dispute_lang(c)
                )
        return result

    @api.model
    def _cron_management_report(self, batch_size=1):
        """Email last month's pack to the dispute managers, one workbook per
        company (in each manager's language).

        One batch of companies per call; ``_notify_progress`` makes the cron
        framework call again while some remain. The attachment sent for a
        company and month marks it as done, so a rerun sends nothing twice."""
        # The cron user builds the pack of each company for that company's
        # managers: sudo, restricted to that company by the builder.
        self = self.sudo()  # noqa: PLW0642
        date_from, date_to = last_month(fields.Date.context_today(self))
        period = date_from.strftime("%Y-%m")
        template = self.env.ref("invoice_dispute.mail_template_management_report")
        todo = []
        for company, langs in sorted(
            self._get_manager_groups().items(), key=lambda item: item[0].id
        ):
            for lang, users in sorted(langs.items()):
                marker = f"invoice_dispute.management_pack:{period}:{lang}"
                todo.append((company, lang, users, marker))
        done_markers = set(
            self.env["ir.attachment"]
            .search(
                [
                    ("res_model", "=", "res.company"),
                    ("description", "in", [item[3] for item in todo]),
                ]
            )
            .mapped(lambda att: (att.res_id, att.description))
        )
        todo = [item for item in todo if (item[0].id, item[3]) not in done_markers]
        batch_companies = []
        for company, *_rest in todo:
            if company not in batch_companies:
                batch_companies.append(company)
        batch_companies = batch_companies[:batch_size]
        batch = [item for item in todo if item[0] in batch_companies]
        for company, lang, users, marker in batch:
            env = self.with_company(company).with_context(lang=lang).env
            data = self.with_env(env)._build_pack(date_from, date_to, company)
            attachment = self.env["ir.attachment"].create(
                {
                    "name": env._(
                        "dispute_management_pack_%(period)s.xlsx", period=period
                    ),
                    "raw": data,
                    "res_model": "res.company",
                    "res_id": company.id,
                    "description": marker,
                    "mimetype": "application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet",
                }
            )
            template.with_context(lang=lang, management_pack_period=period).send_mail(
                company.id,
                email_values={
                    "recipient_ids": [
                        Command.link(pid) for pid in users.partner_id.ids
                    ],
                    "attachment_ids": [Command.link(attachment.id)],
                },
            )
            _logger.info(
                "Management pack %s sent to %s managers of %s (%s)",
                period,
                len(users),
                company.name,
                lang,
            )
        remaining = len({item[0] for item in todo}) - len(batch_companies)
        self.env["ir.cron"]._notify_progress(
            done=len(batch_companies), remaining=remaining
        )
        return batch_companies

    # ------------------------------------------------------------------
    # Summary
    # ------------------------------------------------------------------
    @api.model
    def _kpis(self, pack):
        """{company_id: {kpi: value}} for the period."""
        disputes = pack._visible("invoice.dispute")
        kpis = {company.id: {} for company in pack.companies}
        received = pack._in_period(SQL("d.date_received"))
        resolved = SQL(
            "d.state = 'resolved' AND %s", pack._in_period(SQL("d.date_resolved"))
        )
        for row in pack._fetch(
            SQL(
                """
                SELECT d.company_id,
                       COUNT(*) FILTER (WHERE %(received)s),
                       COUNT(*) FILTER (WHERE %(resolved)s),
                       COUNT(*) FILTER (
                           WHERE d.date_received <= %(date_to)s
                             AND (d.state IN %(open)s OR d.date_resolved > %(date_to)s)
                       ),
                       AVG(d.date_resolved - d.date_received) FILTER (
                           WHERE %(resolved)s
                       ),
                       COUNT(*) FILTER (
                           WHERE %(resolved)s AND d.date_resolved <= d.date_deadline
                       )
                  FROM invoice_dispute d
                 WHERE d.id IN %(disputes)s
                 GROUP BY d.company_id
                """,
                received=received,
                resolved=resolved,
                date_to=pack.date_to,
                open=OPEN_STATES,
                disputes=disputes,
            )
        ):
            company_id, opened, closed, still_open, avg_days, in_sla = row
            kpis[company_id].update(
                opened=opened,
                resolved=closed,
                open=still_open,
                avg_days=float(avg_days) if avg_days is not None else None,
                sla=in_sla / closed if closed else None,
            )
        amounts = self._in_company_currency(
            pack,
            pack._fetch(
                SQL(
                    """
                    SELECT d.company_id, d.company_id, d.currency_id,
                           d.date_received, SUM(d.amount_disputed)
                      FROM invoice_dispute d
                     WHERE d.id IN %s AND %s
                     GROUP BY d.company_id, d.currency_id, d.date_received
                    """,
                    disputes,
                    received,
                )
            ),
        )
        for company_id, amount in amounts.items():
            kpis[company_id]["amount"] = amount
        for company_id, count, amount in pack._fetch(
            SQL(
                """
                SELECT m.company_id, COUNT(*), -SUM(m.amount_total_signed)
                  FROM account_move m
                 WHERE m.id IN (
                           SELECT rel.move_id
                             FROM invoice_dispute_credit_note_rel rel
                            WHERE rel.dispute_id IN %s
                       )
                   AND m.state = 'posted'
                   AND %s
                 GROUP BY m.company_id
                """,
                disputes,
                pack._in_period(SQL("m.invoice_date")),
            )
        ):
            kpis[company_id].update(credit_notes=count, credit_amount=float(amount))
        recovered = self._in_company_currency(
            pack,
            pack._fetch(
                SQL(
                    """
                    SELECT pl.company_id, pl.company_id, pp.currency_id,
                           pl.date_due, SUM(pl.amount_paid)
                      FROM invoice_payment_plan_line pl
                      JOIN invoice_payment_plan pp ON pp.id = pl.plan_id
                     WHERE pl.plan_id IN %s AND %s
                     GROUP BY pl.company_id, pp.currency_id, pl.date_due
                    """,
                    pack._visible("invoice.payment.plan"),
                    pack._in_period(SQL("pl.date_due")),
                )
            ),
        )
        for company_id, amount in recovered.items():
            kpis[company_id]["recovered"] = amount
        for company_id, kept, broken in pack._fetch(
            SQL(
                """
                SELECT pr.company_id,
                       COUNT(*) FILTER (WHERE pr.state = 'kept'),
                       COUNT(*) FILTER (WHERE pr.state = 'broken')
                  FROM invoice_payment_promise pr
                 WHERE pr.id IN %s AND %s
                 GROUP BY pr.company_id
                """,
                pack._visible("invoice.payment.promise"),
                pack._in_period(SQL("pr.date_promised")),
            )
        ):
            kpis[company_id]["promises"] = (
                kept / (kept + broken) if kept + broken else None
            )
        levels = set()
        for company_id, level, count in pack._fetch(
            SQL(
                """
                SELECT lg.company_id, COALESCE(lg.level, 0), COUNT(*)
                  FROM invoice_reminder_log lg
                 WHERE lg.id IN %s AND %s
                 GROUP BY lg.company_id, COALESCE(lg.level, 0)
                """,
                pack._visible("invoice.reminder.log"),
                pack._in_period(SQL("lg.date")),
            )
        ):
            levels.add(level)
            kpis[company_id][("reminders", level)] = count
        return kpis, sorted(levels)

    @api.model
    def _sheet_summary(self, pack):
        sheet = pack._add_sheet(self.env._("Summary"))
        fmt = pack.fmt
        sheet.set_column(0, 0, 42)
        sheet.set_column(1, max(len(pack.companies), 2), 18)
        sheet.write_string(0, 0, self.env._("Dispute management pack"), fmt["title"])
        sheet.write_string(1, 0, self.env._("Period"), fmt["bold"])
        sheet.write_datetime(1, 1, pack.date_from, fmt["date"])
        sheet.write_datetime(1, 2, pack.date_to, fmt["date"])
        sheet.write_string(2, 0, self.env._("Generated on"), fmt["bold"])
        sheet.write_datetime(2, 1, pack.today, fmt["date"])
        sheet.write_string(
            3,
            0,
            self.env._(
                "Amounts in each company's currency, converted at the documents' dates."
            ),
        )

        kpis, levels = self._kpis(pack)
        header_row = 4
        sheet.write_string(header_row, 0, self.env._("Indicator"), fmt["header"])
        for col, company in enumerate(pack.companies, start=1):
            sheet.write_string(header_row, col, company.name, fmt["header"])
        sheet.freeze_panes(header_row + 1, 1)
        lines = [
            ("opened", self.env._("Disputes opened"), "int"),
            ("resolved", self.env._("Disputes resolved"), "int"),
            ("open", self.env._("Disputes open at the end of the period"), "int"),
            ("amount", self.env._("Disputed amount (disputes opened)"), "money"),
            ("avg_days", self.env._("Average days to resolve"), "float"),
            ("sla", self.env._("Share resolved within the SLA"), "percent"),
            ("credit_notes", self.env._("Credit notes issued"), "int"),
            ("credit_amount", self.env._("Credit notes issued (amount)"), "money"),
            (
                "recovered",
                self.env._("Amount recovered through payment plans"),
                "money",
            ),
            ("promises", self.env._("Promises kept ratio"), "percent"),
        ]
        lines += [
            (
                ("reminders", level),
                self.env._("Reminders sent, level %(level)s", level=level),
            )
            + ("int",)
            for level in levels
        ]
        defaults = {"opened", "resolved", "open", "amount", "credit_notes"}
        defaults |= {"credit_amount", "recovered"}
        defaults |= {("reminders", level) for level in levels}
        row = header_row
        for key, label, kind in lines:
            row += 1
            sheet.write_string(row, 0, label)
            for col, company in enumerate(pack.companies, start=1):
                value = kpis[company.id].get(key, 0 if key in defaults else None)
                pack._write_cell(sheet, row, col, value, kind, company.currency_id.id)
        self._summary_charts(pack, sheet, row + 2)

    @api.model
    def _summary_charts(self, pack, sheet, row):
        fmt = pack.fmt
        disputes = pack._visible(
            "invoice.dispute",
            [
                ("date_received", ">=", pack.date_from),
                ("date_received", "<=", pack.date_to),
            ],
        )
        chart_col = len(pack.companies) + 3

        # Disputes by reason.
        by_reason = pack._fetch(
            SQL(
                """
                SELECT %s, COUNT(*)
                  FROM invoice_dispute d
                  JOIN invoice_dispute_reason r ON r.id = d.reason_id
                 WHERE d.id IN %s
                 GROUP BY 1
                 ORDER BY 2 DESC, 1
                """,
                pack._translated(SQL("r.name")),
                disputes,
            )
        )
        row = self._count_chart(
            pack,
            sheet,
            row,
            (self.env._("Reason"), by_reason),
            ("pie", self.env._("Disputes by reason"), (4, chart_col)),
            data_labels={"value": True},
        )

        # Disputed amount per month, one series per company.
        row += 2
        amounts = self._in_company_currency(
            pack,
            (
                ((company_id, month), company_id, currency_id, date, amount)
                for company_id, month, currency_id, date, amount in pack._fetch(
                    SQL(
                        """
                    SELECT d.company_id,
                           date_trunc('month', d.date_received)::date,
                           d.currency_id, d.date_received,
                           SUM(d.amount_disputed)
                      FROM invoice_dispute d
                     WHERE d.id IN %s
                     GROUP BY 1, 2, 3, 4
                    """,
                        disputes,
                    )
                )
            ),
        )
        months = []
        month = pack.date_from.replace(day=1)
        while month <= pack.date_to:
            months.append(month)
            month += relativedelta(months=1)
        sheet.write_string(row, 0, self.env._("Month"), fmt["header"])
        for col, company in enumerate(pack.companies, start=1):
            sheet.write_string(row, col, company.name, fmt["header"])
        header_row = row
        for month in months:
            row += 1
            sheet.write_datetime(row, 0, month, fmt["month"])
            for col, company in enumerate(pack.companies, start=1):
                sheet.write_number(
                    row,
                    col,
                    amounts.get((company.id, month), 0.0),
                    pack._money(company.currency_id.id),
                )
        pack._add_table_chart(
            sheet,
            "column",
            self.env._("Disputed amount per month"),
            (header_row, row),
            range(1, len(pack.companies) + 1),
            (20, chart_col),
            x_axis={"num_format": "mmm yyyy", "date_axis": False},
        )

        # B2B vs B2C.
        row += 2
        labels = pack._labels("invoice.dispute", "customer_type")
        by_type = pack._fetch(
            SQL(
                """
                SELECT d.customer_type, COUNT(*), SUM(d.amount_disputed)
                  FROM invoice_dispute d
                 WHERE d.id IN %s
                 GROUP BY 1
                 ORDER BY 1
                """,
                disputes,
            )
        )
        counts = [
            (labels.get(customer_type, customer_type or ""), count)
            for customer_type, count, _amount in by_type
        ]
        self._count_chart(
            pack,
            sheet,
            row,
            (self.env._("Customer type"), counts),
            ("doughnut", self.env._("B2B vs B2C"), (36, chart_col)),
            data_labels={"percentage": True},
        )

    @api.model
    def _count_chart(self, pack, sheet, row, table, chart, data_labels=None):
        """Write a table of dispute counts per category from ``row`` down and
        chart it (one series named as the chart) when it has rows.

        :param pack: the ``ManagementPackWriter`` of the workbook
        :param sheet: the worksheet written
        :param int row: the table's header row
        :param tuple table: ``(header, counts)``: the category column's
            header and the ``(label, count)`` rows
        :param tuple chart: ``(kind, title, anchor)`` of
            ``ManagementPackWriter._add_table_chart``
        :param dict data_labels: xlsxwriter ``data_labels`` of the series
        :return: int, the table's last row
        """
        header, counts = table
        kind, title, anchor = chart
        sheet.write_string(row, 0, header, pack.fmt["header"])
        sheet.write_string(row, 1, self.env._("Disputes"), pack.fmt["header"])
        header_row = row
        for label, count in counts:
            row += 1
            sheet.write_string(row, 0, label)
            sheet.write_number(row, 1, count, pack.fmt["int"])
        if row > header_row:
            pack._add_table_chart(
                sheet,
                kind,
                title,
                (header_row, row),
                [1],
                anchor,
                series_name=title,
                data_labels=data_labels,
            )
        return row

    # ------------------------------------------------------------------
    # Disputes (register)
    # ------------------------------------------------------------------
    @api.model
    def _register_query(self, pack):
        """One row per dispute received in the period or still open during it."""
        disputes = pack._visible(
            "invoice.dispute",
            [
                ("date_received", "<=", pack.date_to),
                "|",
                "|",
                ("date_received", ">=", pack.date_from),
                ("date_resolved", ">=", pack.date_from),
                ("state", "in", OPEN_STATES),
            ],
        )
        return SQL(
            """
            SELECT d.name, c.name, p.name, d.customer_type, %(reason)s,
                   d.root_cause,
                   -- as of the period end: decided later, it was still open
                   CASE WHEN d.date_resolved > %(date_to)s THEN %(open_end)s
                        ELSE d.state END,
                   d.date_received, d.date_deadline,
                   CASE WHEN d.date_resolved <= %(date_to)s THEN d.date_resolved END,
                   LEAST(COALESCE(d.date_resolved, %(today)s), %(date_to)s)
                       - d.date_received,
                   d.amount_disputed, COALESCE(res.residual, 0),
                   CASE WHEN d.date_resolved > %(date_to)s THEN NULL
                        ELSE d.resolution_type END,
                   CASE WHEN d.date_resolved > %(date_to)s THEN NULL
                        ELSE cn.names END,
                   up.name, d.currency_id
              FROM invoice_dispute d
              JOIN res_company c ON c.id = d.company_id
              JOIN res_partner p ON p.id = d.partner_id
              LEFT JOIN invoice_dispute_reason r ON r.id = d.reason_id
              LEFT JOIN res_users u ON u.id = d.user_id
              LEFT JOIN res_partner up ON up.id = u.partner_id
              LEFT JOIN (
                    SELECT l.dispute_id, SUM(m.amount_residual) AS residual
                      FROM invoice_dispute_line l
                      JOIN account_move m ON m.id = l.move_id
                     WHERE l.dispute_id IN %(disputes)s
                     GROUP BY l.dispute_id
                   ) res ON res.dispute_id = d.id
              LEFT JOIN (
                    SELECT rel.dispute_id,
                           string_agg(m.name, ', ' ORDER BY m.id) AS names
                      FROM invoice_dispute_credit_note_rel rel
                      JOIN account_move m ON m.id = rel.move_id
                     WHERE rel.dispute_id IN %(disputes)s
                     GROUP BY rel.dispute_id
                   ) cn ON cn.dispute_id = d.id
             WHERE d.id IN %(disputes)s
             ORDER BY c.name, d.date_received, d.id
            """,
            reason=pack._translated(SQL("r.name")),
            today=pack.today,
            date_to=pack.date_to,
            open_end=OPEN_AT_END,
            disputes=disputes,
        )

    @api.model
    def _sheet_register(self, pack):
        sheet = pack._add_sheet(self.env._("Disputes"))
        model = "invoice.dispute"
        types = pack._labels(model, "customer_type")
        causes = pack._labels(model, "root_cause")
        states = pack._labels(model, "state")
        states[OPEN_AT_END] = self.env._("Open at period end")
        resolutions = pack._labels(model, "resolution_type")
        columns = [
            (self.env._("Number"), 18, "text"),
            (self.env._("Company"), 22, "text"),
            (self.env._("Customer"), 30, "text"),
            (self.env._("B2B/B2C"), 9, "text"),
            (self.env._("Reason"), 24, "text"),
            (self.env._("Root cause"), 22, "text"),
            (self.env._("Status"), 14, "text"),
            (self.env._("Received"), 12, "date"),
            (self.env._("Deadline"), 12, "date"),
            (self.env._("Resolved on"), 12, "date"),
            (self.env._("Days open"), 10, "int"),
            (self.env._("Disputed amount"), 16, "money"),
            (self.env._("Undisputed amount"), 16, "money"),
            (self.env._("Resolution"), 20, "text"),
            (self.env._("Credit notes"), 24, "text"),
            (self.env._("Responsible"), 22, "text"),
        ]

        def rows():
            for row in pack._stream(self._register_query(pack)):
                (
                    number,
                    company,
                    customer,
                    customer_type,
                    reason,
                    cause,
                    state,
                    received,
                    deadline,
                    resolved,
                    days,
                    disputed,
                    residual,
                    resolution,
                    credit_notes,
                    user,
                    currency_id,
                ) = row
                disputed = float(disputed or 0.0)
                open_disputed = (
                    disputed if state in (*OPEN_STATES, OPEN_AT_END) else 0.0
                )
                yield (
                    (
                        number,
                        company,
                        customer,
                        types.get(customer_type),
                        reason,
                        causes.get(cause),
                        states.get(state),
                        received,
                        deadline,
                        resolved,
                        days,
                        disputed,
                        max(float(residual) - open_disputed, 0.0),
                        resolutions.get(resolution),
                        credit_notes,
                        user,
                    ),
                    currency_id,
                )

        pack._table(sheet, columns, rows())

    @api.model
    def _in_company_currency(self, pack, rows):
        """Sum amounts in their company's currency, each converted at its
        document's date (``res.currency._convert``): amounts in different
        currencies are never summed raw.

        :param rows: iterable of (key, company_id, currency_id, date, amount),
            amount in currency_id
        :return: {key: total in the company's currency}
        """
        Currency = self.env["res.currency"]
        Company = self.env["res.company"]
        totals = {}
        for key, company_id, currency_id, date, amount in rows:
            company = Company.browse(company_id)
            value = Currency.browse(currency_id)._convert(
                float(amount or 0.0), company.currency_id, company, date or pack.today
            )
            totals[key] = totals.get(key, 0.0) + value
        return totals

    # ------------------------------------------------------------------
    # Root causes
    # ------------------------------------------------------------------
    @api.model
    def _sheet_root_causes(self, pack):
        sheet = pack._add_sheet(self.env._("Root causes"))
        causes = pack._labels("invoice.dispute", "root_cause")
        disputes = pack._visible(
            "invoice.dispute",
            [
                ("date_received", ">=", pack.date_from),
                ("date_received", "<=", pack.date_to),
            ],
        )
        query = SQL(
            """
            SELECT c.name, date_trunc('month', d.date_received)::date, %(reason)s,
                   d.root_cause,
                   COUNT(*) FILTER (WHERE d.customer_type = 'b2b'),
                   COALESCE(SUM(d.amount_disputed)
                            FILTER (WHERE d.customer_type = 'b2b'), 0),
                   COUNT(*) FILTER (WHERE d.customer_type = 'b2c'),
                   COALESCE(SUM(d.amount_disputed)
                            FILTER (WHERE d.customer_type = 'b2c'), 0),
                   COUNT(*), SUM(d.amount_disputed),
                   string_agg(DISTINCT NULLIF(btrim(d.preventive_action), ''),
                              ' | '),
                   d.currency_id
              FROM invoice_dispute d
              JOIN res_company c ON c.id = d.company_id
              LEFT JOIN invoice_dispute_reason r ON r.id = d.reason_id
             WHERE d.id IN %(disputes)s
             GROUP BY c.name, 2, 3, d.root_cause, d.currency_id
             ORDER BY c.name, 2, 3, d.root_cause
            """,
            reason=pack._translated(SQL("r.name")),
            disputes=disputes,
        )
        columns = [
            (self.env._("Company"), 22, "text"),
            (self.env._("Month"), 11, "month"),
            (self.env._("Reason"), 24, "text"),
            (self.env._("Root cause"), 24, "text"),
            (self.env._("B2B disputes"), 10, "int"),
            (self.env._("B2B amount"), 15, "money"),
            (self.env._("B2C disputes"), 10, "int"),
            (self.env._("B2C amount"), 15, "money"),
            (self.env._("Disputes"), 10, "int"),
            (self.env._("Disputed amount"), 15, "money"),
            (self.env._("Preventive actions"), 60, "text"),
        ]
        not_analysed = self.env._("Not analysed yet")

        def rows():
            for row in pack._stream(query):
                values = list(row[:-1])
                values[3] = causes.get(values[3], not_analysed)
                for index in (5, 7, 9):
                    values[index] = float(values[index])
                yield values, row[-1]

        pack._table(sheet, columns, rows())

    # ------------------------------------------------------------------
    # Aging
    # ------------------------------------------------------------------
    @api.model
    def _aging_query(self, pack):
        """Receivables open on the period end, as they were then: each
        receivable line's balance less what was reconciled with it on or
        before that date (a payment received later still counts as open),
        and the disputed part of the disputes open on that date, per
        customer and ``constants.AGING_BUCKETS`` (days past due on the period
        end; not due yet in the first)."""
        lines = pack._visible(
            "account.move.line",
            [
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("date", "<=", pack.date_to),
            ],
        )
        open_lines = pack._visible(
            "invoice.dispute.line",
            [
                ("dispute_id.date_received", "<=", pack.date_to),
                "|",
                ("dispute_id.state", "in", OPEN_STATES),
                "&",
                # decided after the period end (cancelled ones have no date)
                ("dispute_id.state", "in", CLOSED_STATES),
                ("dispute_id.date_resolved", ">", pack.date_to),
            ],
        )
        bucket_sums = []
        for __, low, high in AGING_BUCKETS:
            condition = SQL("TRUE")
            if low is not None:
                condition = SQL("%s AND age >= %s", condition, low)
            if high is not None:
                condition = SQL("%s AND age <= %s", condition, high)
            bucket_sums.append(
                (
                    SQL("COALESCE(SUM(disputed) FILTER (WHERE %s), 0)", condition),
                    SQL(
                        "COALESCE(SUM(residual - disputed) FILTER (WHERE %s), 0)",
                        condition,
                    ),
                )
            )
        columns = [pair[0] for pair in bucket_sums] + [SQL("SUM(disputed)")]
        columns += [pair[1] for pair in bucket_sums] + [
            SQL("SUM(residual - disputed)"),
            SQL("SUM(residual)"),
        ]
        return SQL(
            """
            WITH disputed AS (
                SELECT l.move_id, SUM(l.disputed_amount) AS amount
                  FROM invoice_dispute_line l
                 WHERE l.id IN %(open_lines)s
                 GROUP BY l.move_id
            ), settled AS (
                SELECT line_id, SUM(amount) AS amount,
                       SUM(amount_currency) AS amount_currency
                  FROM (
                        SELECT debit_move_id AS line_id, amount,
                               debit_amount_currency AS amount_currency
                          FROM account_partial_reconcile
                         WHERE max_date <= %(date_to)s
                           AND debit_move_id IN %(lines)s
                     UNION ALL
                        SELECT credit_move_id, -amount, -credit_amount_currency
                          FROM account_partial_reconcile
                         WHERE max_date <= %(date_to)s
                           AND credit_move_id IN %(lines)s
                  ) parts
                 GROUP BY line_id
            ), open_lines AS (
                SELECT aml.id, aml.move_id, aml.company_id, aml.partner_id,
                       aml.balance - COALESCE(s.amount, 0) AS residual,
                       aml.amount_currency - COALESCE(s.amount_currency, 0)
                           AS residual_currency,
                       %(date_to)s - COALESCE(aml.date_maturity, aml.date) AS age
                  FROM account_move_line aml
                  LEFT JOIN settled s ON s.line_id = aml.id
                 WHERE aml.id IN %(lines)s
            ), receivables AS (
                SELECT ol.company_id,
                       COALESCE(p.commercial_partner_id, p.id) AS partner_id,
                       ol.residual,
                       ol.residual * LEAST(
                           1.0,
                           -- disputed and open both in the invoice's currency
                           COALESCE(dd.amount / NULLIF(ABS(SUM(ol.residual_currency)
                               OVER (PARTITION BY ol.move_id)), 0), 0)
                       ) AS disputed,
                       ol.age
                  FROM open_lines ol
                  LEFT JOIN res_partner p ON p.id = ol.partner_id
                  LEFT JOIN disputed dd ON dd.move_id = ol.move_id
                 WHERE ol.residual != 0
            )
            SELECT c.name, cp.name, %(columns)s, c.currency_id
              FROM receivables rc
              JOIN res_company c ON c.id = rc.company_id
              LEFT JOIN res_partner cp ON cp.id = rc.partner_id
             GROUP BY c.name, c.currency_id, rc.partner_id, cp.name
             ORDER BY c.name, cp.name, rc.partner_id
            """,
            open_lines=open_lines,
            lines=lines,
            date_to=pack.date_to,
            columns=SQL(", ").join(columns),
        )

    @api.model
    def _sheet_aging(self, pack):
        sheet = pack._add_sheet(self.env._("Aging"))
        sheet.write_string(
            0,
            0,
            self.env._(
                "Open receivables on %(date)s by days past due, in company "
                "currency; amounts not yet due are in the Not due columns.",
                date=pack.date_to,
            ),
        )
        labels = {
            "current": self.env._("Not due"),
            "1_30": self.env._("1-30"),
            "31_60": self.env._("31-60"),
            "61_90": self.env._("61-90"),
            "over_90": self.env._("90+"),
        }
        buckets = [labels[key] for key, __, __ in AGING_BUCKETS]
        columns = [
            (self.env._("Company"), 22, "text"),
            (self.env._("Customer"), 32, "text"),
        ]
        columns += [
            (self.env._("Disputed %(bucket)s", bucket=bucket), 14, "money")
            for bucket in buckets
        ]
        columns += [(self.env._("Disputed total"), 15, "money")]
        columns += [
            (self.env._("Undisputed %(bucket)s", bucket=bucket), 14, "money")
            for bucket in buckets
        ]
        columns += [
            (self.env._("Undisputed total"), 15, "money"),
            (self.env._("Total"), 15, "money"),
        ]
        no_customer = self.env._("No customer")

        def rows():
            for row in pack._stream(self._aging_query(pack)):
                amounts = [float(value or 0.0) for value in row[2:-1]]
                yield [row[0], row[1] or no_customer, *amounts], row[-1]

        pack._table(sheet, columns, rows(), first_row=2)

    # ------------------------------------------------------------------
    # Payment plans
    # ------------------------------------------------------------------
    @api.model
    def _sheet_payment_plans(self, pack):
        sheet = pack._add_sheet(self.env._("Payment plans"))
        states = pack._labels("invoice.payment.plan", "state")
        in_period = pack._in_period(SQL("pl.date_due"))
        query = SQL(
            """
            SELECT c.name, pp.name, p.name, up.name, pp.state, pp.amount_total,
                   COUNT(pl.id),
                   COUNT(pl.id) FILTER (WHERE %(in_period)s),
                   COUNT(pl.id) FILTER (WHERE %(in_period)s AND pl.state = 'paid'),
                   COUNT(pl.id) FILTER (WHERE %(in_period)s AND pl.state = 'late'),
                   COUNT(pl.id) FILTER (WHERE %(in_period)s AND pl.state = 'pending'),
                   COALESCE(SUM(pl.amount) FILTER (WHERE %(in_period)s), 0),
                   COALESCE(SUM(pl.amount_paid) FILTER (WHERE %(in_period)s), 0),
                   pp.currency_id
              FROM invoice_payment_plan pp
              JOIN res_company c ON c.id = pp.company_id
              JOIN res_partner p ON p.id = pp.partner_id
              LEFT JOIN res_users u ON u.id = pp.user_id
              LEFT JOIN res_partner up ON up.id = u.partner_id
              JOIN invoice_payment_plan_line pl ON pl.plan_id = pp.id
             WHERE pp.id IN %(plans)s
             GROUP BY pp.id, c.name, p.name, up.name
            HAVING COUNT(pl.id) FILTER (WHERE %(in_period)s) > 0
                -- active at the period end, whether or not an installment
                -- fell due in the period
                OR (pp.state = 'active' AND pp.date_activated <= %(date_to)s)
             ORDER BY c.name, pp.name, pp.id
            """,
            in_period=in_period,
            date_to=pack.date_to,
            plans=pack._visible("invoice.payment.plan"),
        )
        columns = [
            (self.env._("Company"), 22, "text"),
            (self.env._("Plan"), 18, "text"),
            (self.env._("Customer"), 30, "text"),
            (self.env._("Collector"), 22, "text"),
            (self.env._("Status"), 12, "text"),
            (self.env._("Plan total"), 15, "money"),
            (self.env._("Installments"), 12, "int"),
            (self.env._("Due in period"), 12, "int"),
            (self.env._("Paid on time"), 12, "int"),
            (self.env._("Late"), 10, "int"),
            (self.env._("Pending"), 10, "int"),
            (self.env._("Amount due in period"), 16, "money"),
            (self.env._("Amount paid"), 15, "money"),
        ]

        def rows():
            for row in pack._stream(query):
                values = list(row[:-1])
                values[4] = states.get(values[4])
                for index in (5, 11, 12):
                    values[index] = float(values[index] or 0.0)
                yield values, row[-1]

        pack._table(sheet, columns, rows())

    # ------------------------------------------------------------------
    # Promises
    # ------------------------------------------------------------------
    @api.model
    def _sheet_promises(self, pack):
        sheet = pack._add_sheet(self.env._("Promises"))
        query = SQL(
            """
            SELECT c.name, up.name, p.name,
                   COUNT(*),
                   COUNT(*) FILTER (WHERE pr.state = 'kept' AND NOT %(later)s),
                   COUNT(*) FILTER (WHERE pr.state = 'broken' AND NOT %(later)s),
                   COUNT(*) FILTER (WHERE pr.state = 'pending' OR %(later)s),
                   COUNT(*) FILTER (WHERE pr.state = 'cancelled'),
                   SUM(pr.amount),
                   COALESCE(SUM(pr.amount) FILTER (
                       WHERE pr.state = 'kept' AND NOT %(later)s), 0),
                   pr.currency_id
              FROM invoice_payment_promise pr
              JOIN res_company c ON c.id = pr.company_id
              JOIN res_partner p ON p.id = pr.partner_id
              LEFT JOIN res_users u ON u.id = pr.user_id
              LEFT JOIN res_partner up ON up.id = u.partner_id
             WHERE pr.id IN %(promises)s
               AND (%(in_period)s
                    -- pending at the period end: recorded by then, settled
                    -- after it or not yet
                    OR (pr.create_date::date <= %(date_to)s
                        AND (pr.state = 'pending' OR %(later)s)))
             GROUP BY c.name, up.name, pr.user_id, p.name, pr.partner_id,
                      pr.currency_id
             ORDER BY c.name, up.name, p.name
            """,
            later=SQL("COALESCE(pr.date_settled > %s, FALSE)", pack.date_to),
            promises=pack._visible("invoice.payment.promise"),
            in_period=pack._in_period(SQL("pr.date_promised")),
            date_to=pack.date_to,
        )
        columns = [
            (self.env._("Company"), 22, "text"),
            (self.env._("Collector"), 22, "text"),
            (self.env._("Customer"), 30, "text"),
            (self.env._("Promises"), 10, "int"),
            (self.env._("Kept"), 8, "int"),
            (self.env._("Broken"), 8, "int"),
            (self.env._("Pending"), 8, "int"),
            (self.env._("Cancelled"), 10, "int"),
            (self.env._("Amount promised"), 16, "money"),
            (self.env._("Amount kept"), 16, "money"),
            (self.env._("Kept ratio"), 10, "percent"),
        ]

        def rows():
            for row in pack._stream(query):
                values = list(row[:-1])
                kept, broken = values[4], values[5]
                values[8] = float(values[8] or 0.0)
                values[9] = float(values[9] or 0.0)
                values.append(kept / (kept + broken) if kept + broken else None)
                yield values, row[-1]

        pack._table(sheet, columns, rows())

    # ------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------
    @api.model
    def _sheet_reminders(self, pack):
        """Per level: reminders sent in the period, and how many of their
        invoices were fully paid within PAID_WITHIN_DAYS days after: the last
        money received on the invoice (payment or bank statement line, SPEC
        §10; a credit note is not money) falls in that window."""
        sheet = pack._add_sheet(self.env._("Reminders"))
        query = SQL(
            """
            WITH logs AS (
                SELECT lg.company_id, COALESCE(lg.level, 0) AS level, lg.date,
                       lg.move_id
                  FROM invoice_reminder_log lg
                 WHERE lg.id IN %(logs)s AND %(in_period)s
            ), paid AS (%(paid)s)
            SELECT c.name, lg.level, COUNT(*), COUNT(DISTINCT lg.move_id),
                   COUNT(*) FILTER (
                       WHERE m.payment_state IN %(paid_states)s
                         AND paid.date_paid >= lg.date
                         AND paid.date_paid <= lg.date + %(days)s
                   )
              FROM logs lg
              JOIN res_company c ON c.id = lg.company_id
              JOIN account_move m ON m.id = lg.move_id
              LEFT JOIN paid ON paid.move_id = lg.move_id
             GROUP BY c.name, lg.level
             ORDER BY c.name, lg.level
            """,
            logs=pack._visible("invoice.reminder.log"),
            in_period=pack._in_period(SQL("lg.date")),
            paid=self.env["account.move"]._invoice_dispute_money_dates_sql(
                SQL("(SELECT move_id FROM logs)")
            ),
            days=PAID_WITHIN_DAYS,
            paid_states=MONEY_PAID_PAYMENT_STATES,
        )
        columns = [
            (self.env._("Company"), 22, "text"),
            (self.env._("Level"), 8, "int"),
            (self.env._("Reminders sent"), 14, "int"),
            (self.env._("Invoices"), 10, "int"),
            (
                self.env._("Paid within %(days)s days", days=PAID_WITHIN_DAYS),
                16,
                "int",
            ),
            (self.env._("Paid ratio"), 10, "percent"),
        ]

        def rows():
            for company, level, sent, invoices, paid in pack._stream(query):
                yield (
                    [company, level, sent, invoices, paid, paid / sent if sent else 0],
                    None,
                )

        pack._table(sheet, columns, rows())

    # ------------------------------------------------------------------
    # Prevention (invoice checks)
    # ------------------------------------------------------------------
    @api.model
    def _sheet_prevention(self, pack):
        """Findings of the invoice checks on the invoices dated in the period,
        per rule (open, overridden, fixed), how many of these invoices were
        disputed after they went out, and those disputes by root cause: do
        the checks catch what customers dispute?"""
        sheet = pack._add_sheet(self.env._("Prevention"))
        findings = pack._visible(
            "invoice.check.finding",
            [
                ("move_id.invoice_date", ">=", pack.date_from),
                ("move_id.invoice_date", "<=", pack.date_to),
            ],
        )
        disputes = pack._visible("invoice.dispute")
        disputed_later = SQL(
            """
            EXISTS (
                SELECT 1
                  FROM invoice_dispute_line dl
                  JOIN invoice_dispute d ON d.id = dl.dispute_id
                  JOIN account_move m ON m.id = dl.move_id
                 WHERE dl.move_id = f.move_id
                   AND d.id IN %(disputes)s
                   AND d.date_received >= m.invoice_date
            )
            """,
            disputes=disputes,
        )
        codes = pack._labels("invoice.check.rule", "code")
        per_rule = pack._fetch(
            SQL(
                """
                SELECT r.code,
                       COUNT(*),
                       COUNT(*) FILTER (WHERE f.severity = 'blocking'),
                       COUNT(*) FILTER (WHERE f.state = 'open'),
                       COUNT(*) FILTER (WHERE f.state = 'overridden'),
                       COUNT(*) FILTER (WHERE f.state = 'fixed'),
                       COUNT(DISTINCT f.move_id),
                       COUNT(DISTINCT f.move_id) FILTER (WHERE %(disputed_later)s)
                  FROM invoice_check_finding f
                  JOIN invoice_check_rule r ON r.id = f.rule_id
                 WHERE f.id IN %(findings)s
                 GROUP BY r.code
                 ORDER BY MIN(r.sequence), r.code
                """,
                disputed_later=disputed_later,
                findings=findings,
            )
        )
        columns = [
            (self.env._("Rule"), 34, "text"),
            (self.env._("Findings"), 10, "int"),
            (self.env._("Blocking"), 10, "int"),
            (self.env._("Open"), 10, "int"),
            (self.env._("Overridden"), 11, "int"),
            (self.env._("Fixed"), 10, "int"),
            (self.env._("Invoices with findings"), 14, "int"),
            (self.env._("Disputed later"), 12, "int"),
        ]
        last = pack._table(
            sheet,
            columns,
            (([codes.get(code, code), *counts], None) for code, *counts in per_rule),
        )
        if per_rule:
            pack._add_table_chart(
                sheet,
                "column",
                self.env._("Invoice check findings per rule"),
                (0, last),
                (1, 4, 7),
                (1, len(columns) + 1),
            )

        # Invoices with findings disputed later, by the dispute's root cause.
        causes = pack._labels("invoice.dispute", "root_cause")
        row = max(last, 1) + 3
        sheet.write_string(
            row,
            0,
            self.env._("Invoices with findings disputed later, by root cause"),
            pack.fmt["bold"],
        )
        row += 1
        headers = [
            self.env._("Root cause"),
            self.env._("Invoices"),
            self.env._("Disputes"),
        ]
        for col, header in enumerate(headers):
            sheet.write_string(row, col, header, pack.fmt["header"])
        for cause, invoices, count in pack._fetch(
            SQL(
                """
                SELECT d.root_cause, COUNT(DISTINCT f.move_id), COUNT(DISTINCT d.id)
                  FROM invoice_check_finding f
                  JOIN invoice_dispute_line dl ON dl.move_id = f.move_id
                  JOIN invoice_dispute d ON d.id = dl.dispute_id
                  JOIN account_move m ON m.id = f.move_id
                 WHERE f.id IN %(findings)s
                   AND d.id IN %(disputes)s
                   AND d.date_received >= m.invoice_date
                 GROUP BY d.root_cause
                 ORDER BY 2 DESC, 1
                """,
                findings=findings,
                disputes=disputes,
            )
        ):
            row += 1
            sheet.write_string(
                row, 0, causes.get(cause, self.env._("Not analysed yet"))
            )
            sheet.write_number(row, 1, invoices, pack.fmt["int"])
            sheet.write_number(row, 2, count, pack.fmt["int"])
