"""Explicit registration of each part of public interaction with the shells (the portal's
menu, the workbench's menu and queue, the search index), called from ``AppConfig.ready``.
The portal has one column for all of them, 政民互动 (``interaction.navigation``)."""

from __future__ import annotations


def connect() -> None:
    """Each part registers itself here, one call a part."""
    from gongkai.interaction import navigation
    from gongkai.interaction.channels import shells as channels
    from gongkai.interaction.consultations import shells as consultations
    from gongkai.interaction.letters import shells as letters
    from gongkai.interaction.surveys import navigation as surveys

    navigation.register()
    letters.register()
    consultations.register()
    surveys.register()
    channels.register()

    # The anonymisation of each part's people after the retention period (decision 0028).
    from gongkai.interaction.consultations import retention as consultations_retention
    from gongkai.interaction.letters import retention as letters_retention
    from gongkai.interaction.surveys import retention as surveys_retention

    letters_retention.register()
    consultations_retention.register()
    surveys_retention.register()

    # The exports built by the task queue (decision 0041).
    from gongkai.interaction.letters import exporters as letters_exporters
    from gongkai.interaction.surveys import exporters as surveys_exporters

    letters_exporters.register()
    surveys_exporters.register()
