// The JSON-lines event log of `relayctl replay` (issue 2; docs/state.md): one event or epoch
// marker per line. Parsing checks syntax only — field presence, types, hex widths, digits —
// and leaves every rule of the state machine to the state machine, so a well-formed event
// naming an unknown chain or asset parses fine and is then rejected with its reason.
#pragma once

#include <string>
#include <string_view>

#include "vault/event.h"
#include "vault/result.h"

namespace relay {

struct LogLine {
  bool is_epoch = false;  // {"type":"epoch"}: closes the current batch
  Event event;
};

/// Parses one line. The error names the field and the reason ("account: must be 0x and 64 hex
/// digits"); the caller adds the line number.
Result<LogLine> parse_event_line(std::string_view line);

/// The line for an event, as parse_event_line reads it back (hex lowercase).
std::string event_to_json_line(const Event& e);

}  // namespace relay
