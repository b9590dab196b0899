// Sends OTLP/JSON trace export requests to a collector over HTTP (--traces-exporter otlp-http):
// POST <endpoint>/v1/traces with Content-Type application/json, the OTLP/HTTP binding.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "observe/span_exporter.h"

namespace strata::server {

// A sender for `endpoint`, "http://host:port" optionally followed by a path: without one,
// requests go to /v1/traces (as OpenTelemetry's OTEL_EXPORTER_OTLP_ENDPOINT); with one, to that
// path as given (as OTEL_EXPORTER_OTLP_TRACES_ENDPOINT). InvalidArgument for another scheme or a
// malformed URL. The sender connects on first use and reconnects after a failure; a non-2xx
// answer is an error. It must be called from one thread at a time (the exporter's).
absl::StatusOr<observe::OtlpSend> MakeOtlpHttpSender(const std::string& endpoint);

}  // namespace strata::server
