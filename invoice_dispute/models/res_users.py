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
