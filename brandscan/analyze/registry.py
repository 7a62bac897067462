"""Every analysis brandscan runs, by name (the report composes the others)."""

from __future__ import annotations

from typing import Any

from brandscan.analyze.alerts import Alerts
from brandscan.analyze.complaints import Aspects, Complaints
from brandscan.analyze.influencers import Influencers
from brandscan.analyze.negatives import MediaCoverage, NegativePosts
from brandscan.analyze.partial import Analysis
from brandscan.analyze.report import ReportAnalysis
from brandscan.analyze.response import Response
from brandscan.analyze.share import ShareOfVoice
from brandscan.analyze.summary import Summary
from brandscan.analyze.timeline import Timeline

#: One instance of each analysis with its default settings.
ANALYSES: tuple[Analysis[Any], ...] = (
    Summary(), Timeline(), Complaints(), Aspects(), NegativePosts(), MediaCoverage(),
    ShareOfVoice(),
    ShareOfVoice(interval=None, name="share_totals"), Alerts(), Influencers(), Response(),
    ReportAnalysis(influencers=True),
)
