// Process-wide logger set-up.
#include "common/logging.h"

#include <string>

#include "fmt/format.h"
#include "spdlog/sinks/stdout_color_sinks.h"

namespace strata {

absl::Status InitLogging(std::string_view level) {
  spdlog::level::level_enum parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off && level != "off") {
    return absl::InvalidArgumentError(fmt::format(
        "unknown log level '{}' (expected trace, debug, info, warn, error or off)", level));
  }
  spdlog::drop("strata");
  auto logger = spdlog::stderr_color_mt("strata");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  logger->set_level(parsed);
  spdlog::set_default_logger(logger);
  return absl::OkStatus();
}

}  // namespace strata
