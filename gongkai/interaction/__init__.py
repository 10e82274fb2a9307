"""Public interaction (政民互动): letters to the mailboxes (区长信箱, 网上咨询, 网上投诉, 建议),
consultations on drafts (建议征集), surveys (在线调查), and the hotline, walk-in and archive
services and other channels with their figures.

One Django app (label ``interaction``) in four parts, each a package with its own models,
services, selectors, views, URLs, templates and demonstration data: ``letters``,
``consultations``, ``surveys`` and ``channels``. ``interaction.models`` imports the parts' models
so that Django finds them; ``interaction.wiring`` registers each part with the shells.
"""
