"""A complete description split as a browser trickles it (shared_protocol.calls.trickled)."""

from __future__ import annotations

from shared_protocol.calls import trickled

SDP = (
    "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n"
    "a=candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host\r\na=end-of-candidates\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 97\r\na=mid:1\r\n"
    "a=candidate:2 1 udp 2130706431 127.0.0.1 5002 typ host\r\na=end-of-candidates\r\n"
)


def test_the_description_goes_first_without_candidates_then_each_then_the_end() -> None:
    bodies = trickled("offer", SDP)
    description = bodies[0]["description"]
    assert isinstance(description, dict) and description["type"] == "offer"
    assert "a=candidate" not in description["sdp"] and "end-of-candidates" not in description["sdp"]
    assert description["sdp"].count("m=") == 2 and description["sdp"].endswith("\r\n")
    assert bodies[1:] == [
        {
            "candidate": {
                "candidate": "candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host",
                "sdpMid": "0",
                "sdpMLineIndex": 0,
            }
        },
        {
            "candidate": {
                "candidate": "candidate:2 1 udp 2130706431 127.0.0.1 5002 typ host",
                "sdpMid": "1",
                "sdpMLineIndex": 1,
            }
        },
        {"candidate": {"candidate": "", "sdpMid": "1", "sdpMLineIndex": 0}},
    ]
