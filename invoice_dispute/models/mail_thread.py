from markupsafe import Markup

from odoo import models

from .constants import AUTO_REPLY_HEADERS


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _invoice_dispute_log_customer_answer(self, body, author):
        """Trace a customer's answer given on the portal (a proposal
        accepted, a promise, a plan asked, a payment reported) in these
        records' chatter: an internal note in the customer's name.

        :param str body: the text of the note (escaped, in a paragraph)
        :param author: res.partner, the customer's contact who answered
        """
        for record in self:
            record.message_post(
                body=Markup("<p>%s</p>") % body,
                author_id=author.id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )

    def _message_route_process(self, message, message_dict, routes):
        """Hand the headers that mark automatic replies (``Auto-Submitted``,
        ``X-Autoreply``, ``Precedence``...; see ``AUTO_REPLY_HEADERS``) of an
        incoming email to the threads it is routed to, in the context key
        ``invoice_dispute_reply_headers`` (``{header name: value}``):
        ``message_parse`` does not keep them and ``message_update`` only
        receives the parsed message. The reminder notices read them to stay
        silent on out-of-office replies."""
        headers = {
            name: message.get(name)
            for name in (*AUTO_REPLY_HEADERS, "precedence")
            if message.get(name) is not None
        }
        thread = self.with_context(invoice_dispute_reply_headers=headers)
        return super(MailThread, thread)._message_route_process(
            message, message_dict, routes
        )
