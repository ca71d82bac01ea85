from odoo import models

from .invoice_intent_phrase import AUTO_REPLY_HEADERS


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

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
