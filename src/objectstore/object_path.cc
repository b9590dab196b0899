// ObjectPath validation, construction and segment access.
#include "objectstore/object_path.h"

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "fmt/format.h"

namespace strata::objectstore {
namespace {

// Longer offending texts are cut in error messages, so a hostile multi-megabyte string does not
// end up in a log line.
constexpr size_t kMaxQuotedLength = 64;

// Returns `text` quoted and C-escaped ("a\x00b" shows its NUL), cut to kMaxQuotedLength bytes.
std::string Quote(std::string_view text) {
  if (text.size() <= kMaxQuotedLength) {
    return fmt::format("\"{}\"", absl::CHexEscape(absl::string_view(text.data(), text.size())));
  }
  return fmt::format("\"{}\"... ({} bytes)",
                     absl::CHexEscape(absl::string_view(text.data(), kMaxQuotedLength)),
                     text.size());
}

bool IsSegmentCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// Returns why `segment` is not a valid segment ("is empty", "begins with '.'", ...), or an empty
// string if it is valid.
std::string SegmentProblem(std::string_view segment) {
  if (segment.empty()) {
    return "is empty";
  }
  if (segment.size() > ObjectPath::kMaxSegmentLength) {
    return fmt::format("is longer than {} characters", ObjectPath::kMaxSegmentLength);
  }
  if (segment.front() == '.') {
    return "begins with '.'";
  }
  for (size_t i = 0; i < segment.size(); ++i) {
    if (!IsSegmentCharacter(segment[i])) {
      return fmt::format("has {} at offset {}, which is not one of A-Z a-z 0-9 . _ -",
                         Quote(segment.substr(i, 1)),
                         i);
    }
  }
  return "";
}

absl::Status InvalidPath(std::string_view text, std::string_view reason) {
  return absl::InvalidArgumentError(fmt::format("invalid object path {}: {}", Quote(text), reason));
}

absl::Status CheckLength(std::string_view text) {
  if (text.size() > ObjectPath::kMaxLength) {
    return InvalidPath(text, fmt::format("is longer than {} characters", ObjectPath::kMaxLength));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ObjectPath::ValidateSegment(std::string_view segment) {
  std::string problem = SegmentProblem(segment);
  if (problem.empty()) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      fmt::format("invalid object path segment {}: {}", Quote(segment), problem));
}

absl::StatusOr<ObjectPath> ObjectPath::Parse(std::string_view text) {
  if (text.empty()) {
    return InvalidPath(text, "is empty");
  }
  if (absl::Status status = CheckLength(text); !status.ok()) {
    return status;
  }
  if (text.front() == '/') {
    return InvalidPath(text, "is absolute (begins with '/')");
  }
  size_t start = 0;
  while (true) {
    size_t end = text.find('/', start);
    std::string_view segment =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    std::string problem = SegmentProblem(segment);
    if (!problem.empty()) {
      return InvalidPath(text, fmt::format("segment at offset {} {}", start, problem));
    }
    if (end == std::string_view::npos) {
      break;
    }
    start = end + 1;
  }
  return ObjectPath(std::string(text));
}

absl::StatusOr<ObjectPath> ObjectPath::FromSegments(std::span<const std::string_view> segments) {
  if (segments.empty()) {
    return absl::InvalidArgumentError("invalid object path: no segments");
  }
  std::string text;
  for (std::string_view segment : segments) {
    if (absl::Status status = ValidateSegment(segment); !status.ok()) {
      return status;
    }
    if (!text.empty()) {
      text += '/';
    }
    text += segment;
    if (absl::Status status = CheckLength(text); !status.ok()) {
      return status;
    }
  }
  return ObjectPath(std::move(text));
}

absl::StatusOr<ObjectPath> ObjectPath::FromSegments(
    std::initializer_list<std::string_view> segments) {
  return FromSegments(std::span<const std::string_view>(segments.begin(), segments.size()));
}

absl::StatusOr<ObjectPath> ObjectPath::Child(std::string_view segment) const {
  if (absl::Status status = ValidateSegment(segment); !status.ok()) {
    return status;
  }
  std::string text = text_;
  if (!text.empty()) {
    text += '/';
  }
  text += segment;
  if (absl::Status status = CheckLength(text); !status.ok()) {
    return status;
  }
  return ObjectPath(std::move(text));
}

std::vector<std::string_view> ObjectPath::Segments() const {
  std::vector<std::string_view> segments;
  std::string_view text = text_;
  while (!text.empty()) {
    size_t slash = text.find('/');
    segments.push_back(text.substr(0, slash));
    if (slash == std::string_view::npos) {
      break;
    }
    text.remove_prefix(slash + 1);
  }
  return segments;
}

std::string_view ObjectPath::Filename() const {
  size_t slash = text_.rfind('/');
  return slash == std::string::npos ? std::string_view(text_)
                                    : std::string_view(text_).substr(slash + 1);
}

ObjectPath ObjectPath::Parent() const {
  size_t slash = text_.rfind('/');
  return slash == std::string::npos ? ObjectPath() : ObjectPath(text_.substr(0, slash));
}

bool ObjectPath::IsPrefixOf(const ObjectPath& other) const {
  if (is_root()) {
    return !other.is_root();
  }
  return other.text_.size() > text_.size() && other.text_[text_.size()] == '/' &&
         std::string_view(other.text_).starts_with(text_);
}

}  // namespace strata::objectstore
