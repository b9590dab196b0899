// Structured logging on top of spdlog. Messages are short sentences followed by key=value pairs
// ("WAL replayed segments=3 records=1200 bytes=1048576"), so they read well and grep well.
#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "spdlog/spdlog.h"

namespace strata {

// Configures the process-wide logger: `level` is one of trace, debug, info, warn, error, off.
// Logs go to stderr. Returns InvalidArgument for an unknown level.
absl::Status InitLogging(std::string_view level);

}  // namespace strata

#define STRATA_LOG_DEBUG(...) ::spdlog::debug(__VA_ARGS__)
#define STRATA_LOG_INFO(...) ::spdlog::info(__VA_ARGS__)
#define STRATA_LOG_WARN(...) ::spdlog::warn(__VA_ARGS__)
#define STRATA_LOG_ERROR(...) ::spdlog::error(__VA_ARGS__)
