"""Urges that reach people (issue 12).

A step adds outbox rows in its own transaction (``outbox.queue``); ``superviser
deliver`` sends them later (``sender.send_due``), by mail (``mail``) or a group robot
(``robots``), in the recipient unit's language (``messages``). Settings for the
network live in a file (``config``), never in the database.
"""
