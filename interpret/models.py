"""The interpretation layer's models live beside their services, one module per subpackage
(``interpret/<subpackage>/models.py``); Django's model registry reads the app's ``models`` module, which gathers
them here. Code inside the project imports a model from its subpackage, not from here."""
from interpret.analysis.models import FilterPreset, FilterRun, VariantComment, VariantTag
from interpret.cancer.models import Biomarker, BiomarkerKnowledgeVersion, CancerGene, Hotspot
from interpret.classification.models import Classification
from interpret.reanalysis.models import Alert, Reanalysis
from interpret.reporting.models import Report, ReportTemplate
from interpret.tumor_board.models import BoardAgendaItem, BoardMeeting, BoardRecommendation
from interpret.workflow.models import CaseEvent, CaseNote

__all__ = [
    "Alert",
    "Biomarker",
    "BiomarkerKnowledgeVersion",
    "BoardAgendaItem",
    "BoardMeeting",
    "BoardRecommendation",
    "CancerGene",
    "CaseEvent",
    "CaseNote",
    "Classification",
    "FilterPreset",
    "FilterRun",
    "Hotspot",
    "Reanalysis",
    "Report",
    "ReportTemplate",
    "VariantComment",
    "VariantTag",
]
