"""The worked examples of METHOD.md §3 and §6, shared by the evaluation tests."""

import json
from typing import Any

from evaluation.nok.calculator import EXAMPLES

# METHOD.md §6: the calculator input of worked example A, verbatim.
EXAMPLE_A_JSON = """
{"method": "344n-social", "respondents": 200,
 "info_stand": {"present": 18, "required": 20}, "info_site": {"present": 27, "required": 30},
 "remote_channels": 3, "comfort_conditions": 4, "premises_access": 3, "service_access": 4,
 "yes": {"q1": 180, "q2": 171, "q3": 120, "q4": 108, "q5": 190, "q6": 184, "q7": 50, "q8": 41,
         "q9": 196, "q10": 194, "q11": 80, "q12": 76, "q13": 186, "q14": 188, "q15": 190},
 "answered": {"q13": 200}}
"""
EXAMPLE_A: dict[str, Any] = json.loads(EXAMPLE_A_JSON)

# METHOD.md §3, example B (Q4 and Q8 omitted: nobody answered Q3 or Q7 "yes"),
# kept once, as the calculator API's documented example.
EXAMPLE_B: dict[str, Any] = EXAMPLES["B"]["input"]

# Hand-checked figures of METHOD.md §3 (indicators of whole points written
# with their two published decimals).
EXPECTED_A = {
    "indicators": {
        "1.1": "90.00",
        "1.2": "90.00",
        "1.3": "92.50",
        "2.1": "80.00",
        "2.2": "95.00",
        "2.3": "92.00",
        "3.1": "60.00",
        "3.2": "80.00",
        "3.3": "82.00",
        "4.1": "98.00",
        "4.2": "97.00",
        "4.3": "95.00",
        "5.1": "93.00",
        "5.2": "94.00",
        "5.3": "95.00",
    },
    "criteria": {
        "K1": "91.00",
        "K2": "89.60",
        "K3": "74.60",
        "K4": "97.00",
        "K5": "94.20",
    },
    "total": "89.28",
}
EXPECTED_B = {
    "indicators": {
        "1.1": "86.95",
        "1.2": "100.00",
        "1.3": "82.47",
        "2.1": "100.00",
        "2.2": "91.61",
        "2.3": "87.41",
        "3.1": "40.00",
        "3.2": "100.00",
        "3.3": None,
        "4.1": "97.20",
        "4.2": "95.80",
        "4.3": "93.55",
        "5.1": "85.11",
        "5.2": "88.11",
        "5.3": "89.51",
    },
    "criteria": {
        "K1": "89.07",
        "K2": "92.87",
        "K3": "74.29",
        "K4": "95.91",
        "K5": "87.91",
    },
    "total": "88.01",
}
