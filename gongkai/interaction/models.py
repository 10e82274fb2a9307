"""The models of every part of public interaction, imported here so that Django finds them (the
app is ``interaction``; each part keeps its models in its own package)."""

from __future__ import annotations

from gongkai.interaction.channels.models import (  # noqa: F401
    Channel,
    ChannelFigure,
    HotlineProgramme,
    HotlineSession,
    OpinionResponse,
    ServiceLog,
    ServicePoint,
)
from gongkai.interaction.consultations.models import (  # noqa: F401
    Comment,
    Consultation,
    ConsultationArticle,
    ConsultationAttachment,
    ConsultationEvent,
    Feedback,
    FeedbackPoint,
)
from gongkai.interaction.letters.models import (  # noqa: F401
    Letter,
    LetterAttachment,
    LetterEvent,
    LetterSettings,
    LetterType,
)
from gongkai.interaction.surveys.models import (  # noqa: F401
    Answer,
    Choice,
    Question,
    Response,
    Survey,
    SurveyEvent,
)
