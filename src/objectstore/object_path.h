// ObjectPath: the validated, relative name of an object in an ObjectStore. Paths are built only
// from segments strata generates (ids, numbers, fixed words), so a path can never escape the
// store's root on a file system nor carry a user's string into a file name.
#pragma once

#include <compare>
#include <cstddef>
#include <initializer_list>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "fmt/format.h"

namespace strata::objectstore {

// A relative path of one or more segments joined by '/', e.g. "dbs/1/tables/7/00000042.parquet".
// Every segment is 1 to kMaxSegmentLength characters from [A-Za-z0-9._-] and does not begin with
// '.' (which rules out "." and ".." and reserves hidden names for the store's temporary files);
// the whole path is at most kMaxLength characters. So a path has no empty segment, no leading or
// trailing '/', no backslash, no NUL and no percent-encoding, and means the same thing on a local
// file system and on S3.
//
// The only ways to get a non-root path are the factories below, which validate; there is no
// constructor from a string. The default-constructed path is the root (no segments): it names no
// object and serves as the prefix that lists everything.
//
// Paths order byte-wise by their text ("a-b/c" < "a/b"), as S3 lists keys.
class ObjectPath {
 public:
  static constexpr size_t kMaxSegmentLength = 255;  // NAME_MAX on Linux file systems
  static constexpr size_t kMaxLength = 1024;        // S3's limit on a key

  // The root: no segments.
  ObjectPath() = default;

  // Parses "a/b/c". Returns InvalidArgument, quoting the offending text (escaped) and saying
  // which rule it breaks, unless `text` is a valid non-root path.
  static absl::StatusOr<ObjectPath> Parse(std::string_view text);

  // Joins `segments`, each of which must be a valid segment (no '/'). Returns InvalidArgument
  // for an invalid segment, no segments at all, or a path longer than kMaxLength.
  static absl::StatusOr<ObjectPath> FromSegments(std::span<const std::string_view> segments);
  static absl::StatusOr<ObjectPath> FromSegments(std::initializer_list<std::string_view> segments);

  // Returns OK if `segment` is a valid single segment, else InvalidArgument saying why.
  static absl::Status ValidateSegment(std::string_view segment);

  // Returns this path with `segment` appended, or InvalidArgument as FromSegments would.
  absl::StatusOr<ObjectPath> Child(std::string_view segment) const;

  // Returns true for the root (no segments).
  bool is_root() const { return text_.empty(); }

  // Returns the path's text, "a/b/c"; empty for the root.
  const std::string& str() const { return text_; }

  // Returns the segments; views into this path, valid while it lives and is unchanged.
  std::vector<std::string_view> Segments() const;

  // Returns the last segment; empty for the root.
  std::string_view Filename() const;

  // Returns the path without its last segment; the root for a one-segment path or the root.
  ObjectPath Parent() const;

  // Returns true if `other` lies strictly below this path, segment-wise: "a/b" is a prefix of
  // "a/b/c" but not of "a/bc" nor of "a/b" itself. The root is a prefix of every other path.
  bool IsPrefixOf(const ObjectPath& other) const;

  friend bool operator==(const ObjectPath&, const ObjectPath&) = default;
  friend std::strong_ordering operator<=>(const ObjectPath& a, const ObjectPath& b) {
    return a.text_.compare(b.text_) <=> 0;
  }

  template <typename H>
  friend H AbslHashValue(H state, const ObjectPath& path) {
    return H::combine(std::move(state), path.text_);
  }

  friend std::ostream& operator<<(std::ostream& out, const ObjectPath& path) {
    return out << path.text_;
  }

 private:
  explicit ObjectPath(std::string text) : text_(std::move(text)) {}

  std::string text_;
};

}  // namespace strata::objectstore

template <>
struct fmt::formatter<strata::objectstore::ObjectPath> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const strata::objectstore::ObjectPath& path, FormatContext& context) const {
    return fmt::formatter<std::string_view>::format(path.str(), context);
  }
};
