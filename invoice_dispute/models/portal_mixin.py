from odoo import models


class PortalMixin(models.AbstractModel):
    _inherit = "portal.mixin"

    def _get_portal_link(self, lang=None):
        """The absolute link of this record's portal page that the
        customer's emails carry: its share URL (``_get_share_url``, with the
        access token), with the language ``lang`` in the path
        (``/nl/my/disputes/...``, Odoo's ``http_routing``: the language in
        the URL comes before the browser's) when the database has more than
        one active language, so the page opens in the language of the email
        whatever the browser asks.

        :param str lang: a language code (``nl_NL``); by default the
            environment's, which is the recipient's while a mail template is
            rendered (its ``lang`` field)
        :return: str, absolute URL
        """
        self.ensure_one()
        url = self._get_share_url()
        Lang = self.env["res.lang"]
        code = lang or self.env.lang
        language = Lang._lang_get(code) if code else Lang
        if language.active and len(Lang._get_active_by("code")) > 1:
            url = f"/{language.url_code}{url}"
        return self.get_base_url() + url
