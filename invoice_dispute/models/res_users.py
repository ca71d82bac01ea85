from odoo import models
from odoo.exceptions import ValidationError

from .constants import COLLECTOR_GROUP


class ResUsers(models.Model):
    _inherit = "res.users"

    def _invoice_dispute_is_collector(self, group=COLLECTOR_GROUP):
        """Whether this user may be stored as a collector (or a dispute
        manager with ``group``): an internal user of that group. The
        superuser running the scheduled actions counts as one.

        :param str group: XML id of the group required
        :return: bool
        """
        self.ensure_one()
        return self._is_superuser() or (not self.share and self._has_group(group))

    def _invoice_dispute_is_person(self):
        """Whether this user is a person who can handle collection work: an
        active internal user, not a system user (the superuser, OdooBot's
        ``base.user_root``, the public user) nor a portal user.

        :return: bool
        """
        self.ensure_one()
        # sudo: whether another user (maybe of another company) is a person
        user = self.sudo()
        system = user.env.ref("base.user_root") | user.env.ref("base.public_user")
        return (
            user.active
            and not user.share
            and not user._is_superuser()
            and user not in system
        )

    def _get_invoice_dispute_lang(self, company=None):
        """The language of what the addon tells this internal user (their
        activities, notes and call sheets, the chatter messages written for
        the collector): theirs, else the language of ``company``'s partner,
        else English -- never that of whoever runs the scheduled action, the
        portal page or the mail gateway that writes it. The customer's
        language is ``res.partner._get_reminder_lang``.

        :param company: res.company the work is done in (None: the
            environment's company)
        :return: str, a language code (``nl_NL``); the company's when
            ``self`` is empty (nobody to tell)
        """
        if len(self) > 1:
            self.ensure_one()
        company = company or self.env.company
        return self.lang or company.partner_id.lang or "en_US"

    def _with_invoice_dispute_lang(self, records, company=None):
        """``records`` in the language of this internal user
        (``_get_invoice_dispute_lang``): what is written for them through it
        or its ``env`` (activities, notes, chatter messages) is in their
        language. The one way to build such records or environment.

        :param records: recordset of any model (may be empty, for its ``env``)
        :param company: res.company the work is done in (None: the
            environment's company)
        :return: ``records`` with the context's ``lang`` set to that language
        """
        return records.with_context(lang=self._get_invoice_dispute_lang(company))

    def _invoice_dispute_check_collector(self, records, field_name, group=None):
        """Refuse ``records`` whose user in ``field_name`` is not an internal
        user of the Collector group (or of ``group``).

        :param records: recordset of any model holding the user field
        :param str field_name: name of a many2one to res.users on ``records``
        :param str group: XML id of the group required (default: Collector)
        :raise ValidationError: naming the field, the user and the record
        """
        group = group or COLLECTOR_GROUP
        for record in records:
            user = record[field_name]
            if user and not user.sudo()._invoice_dispute_is_collector(group):
                raise ValidationError(
                    self.env._(
                        "%(field)s of %(record)s: %(user)s cannot be chosen; only "
                        "internal users of the group %(group)s can.",
                        field=record._fields[field_name]._description_string(self.env),
                        record=record.display_name,
                        user=user.display_name,
                        group=self.env.ref(group).sudo().full_name,
                    )
                )
