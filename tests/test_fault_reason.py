"""One wording for what put an instance in FAULT: the change of master it
ends (`fault` cause) and KA110 both use kalog.model.transitions.fault_reason,
on rows whose missing fields are None (the model's rows) or NaN (a frame's)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kalog.model.transitions import fault_reason


@pytest.mark.parametrize("missing", [None, math.nan, pd.NA])
def test_the_same_words_whatever_a_missing_field_is(missing: object) -> None:
    script = {"kind": "script_result", "script": "chk", "result": "failure", "exit_status": 1}
    assert fault_reason(script) == "script chk failure (exit 1)"
    assert fault_reason({**script, "exit_status": missing}) == "script chk failure"
    interface = {"kind": "interface_state", "interface": "eth0", "action": "down"}
    assert fault_reason(interface) == "interface eth0 down"
    cause = {"kind": "fault_cause", "detail": "no IPv4 address", "interface": missing}
    assert fault_reason(cause) == "fault cause: no IPv4 address"
    bare = {"kind": "track_bfd", "detail": missing, "interface": missing, "script": missing}
    assert fault_reason({**bare, "body": "BFD_Instance(b1) down"}) == "BFD_Instance(b1) down"
    assert fault_reason({**bare, "body": missing}) == "track bfd"
