"""Every scheme detector ``bigfinder analyze`` runs, with its default parameters.

>>> sorted(d.scheme for d in all_detectors())
['bypass_import', 'courier', 'round_tripping', 'split_shipment', 'undervaluation']
"""

from __future__ import annotations

from analytics.detectors.base import Detector
from analytics.detectors.bypass import BypassImportDetector
from analytics.detectors.courier import CourierRingDetector
from analytics.detectors.round_tripping import RoundTrippingDetector
from analytics.detectors.split_shipment import SplitShipmentDetector
from analytics.detectors.undervaluation import UndervaluationDetector

__all__ = ["all_detectors"]


def all_detectors() -> list[Detector]:
    """One instance of each detector, in the order the schemes are listed in the ground truth."""
    return [
        BypassImportDetector(),
        UndervaluationDetector(),
        SplitShipmentDetector(),
        CourierRingDetector(),
        RoundTrippingDetector(),
    ]
