"""Mail: messages written to an outbox in the transaction of what caused them, sent after.

`outbox.enqueue` adds a message in the caller's transaction (a submission, a notice); the
sending pass (`sender.send_pending`, run by the sync process and `checklistor mail send`)
delivers each message exactly once: by SMTP when CHECKLISTOR_SMTP_URL is set, otherwise as
an .eml file in the instance folder. A mail never carries a sign-in link.
"""
