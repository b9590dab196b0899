// What the syntax trees of strata's two query languages (sql/ast.h, influxql/ast.h) share: the
// base of their tagged node families, and the base of the printers that turn a tree into
// canonical text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "common/check.h"

namespace strata {

// A base for tagged node families: `kind` says which derived struct a node is, and Is<T>()/As<T>()
// test and downcast (As<T> checks the kind; a wrong cast is a bug and aborts). Nodes are neither
// copyable nor movable: they are owned through unique_ptr.
template <typename KindT>
struct TaggedNode {
  TaggedNode(KindT node_kind, size_t node_position) : kind(node_kind), position(node_position) {}
  TaggedNode(const TaggedNode&) = delete;
  TaggedNode& operator=(const TaggedNode&) = delete;
  virtual ~TaggedNode() = default;

  template <typename T>
  bool Is() const {
    return kind == T::kKind;
  }
  template <typename T>
  const T& As() const {
    STRATA_CHECK(kind == T::kKind);
    return static_cast<const T&>(*this);
  }
  template <typename T>
  T& As() {
    STRATA_CHECK(kind == T::kKind);
    return static_cast<T&>(*this);
  }

  const KindT kind;
  size_t position;  // Byte offset in the statement text.
};

// The base of a language's printer: it appends the canonical text of nodes to one string, which
// Take() hands over.
class TextPrinter {
 public:
  std::string Take() { return std::move(out_); }

  template <typename... Parts>
  void Append(const Parts&... parts) {
    (out_.append(std::string_view(parts)), ...);
  }

 protected:
  std::string out_;
};

// The canonical text of `node`, printed by `print`, a member of a new `Printer` (a TextPrinter):
// what each node type's ToString() returns.
template <typename Printer, typename Node>
std::string PrintToString(const Node& node, void (Printer::*print)(const Node&)) {
  Printer printer;
  (printer.*print)(node);
  return printer.Take();
}

}  // namespace strata
