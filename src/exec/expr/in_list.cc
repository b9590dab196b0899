// `x [NOT] IN (list)`. A list of literals becomes a hash set built once with the expression (for
// a dictionary operand, the set is translated to codes once per batch's dictionary); any other
// list is evaluated as OR-ed equalities. SQL semantics: no match and a NULL in the list give
// NULL, a NULL operand gives NULL.
#include <bit>
#include <cstring>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "common/status.h"
#include "exec/expr/binary_kernels.h"
#include "exec/expr/datum_access.h"
#include "exec/expr/expr_nodes.h"
#include "exec/physical_expr.h"
#include "exec/type_coercion.h"
#include "fmt/format.h"

namespace strata::exec {
namespace {

// float64 keys by bits, with the values SQL equality treats as equal folded together.
uint64_t FloatKey(double v) {
  if (v != v) {
    return 0x7ff8000000000000ULL;  // every NaN
  }
  if (v == 0) {
    return 0;  // -0 = 0
  }
  return std::bit_cast<uint64_t>(v);
}

// The non-null literal values of a list, by the operand's layout.
struct LiteralSet {
  absl::flat_hash_set<int64_t> ints;    // bool, int64, timestamp
  absl::flat_hash_set<uint64_t> uints;  // uint64, and float64 via FloatKey
  absl::flat_hash_set<std::string> strings;
};

class InListExpr final : public PhysicalExpr {
 public:
  InListExpr(std::vector<PhysicalExprPtr> children,
             bool negated,
             std::optional<LiteralSet> set,
             bool list_has_null)
      : PhysicalExpr(PhysicalExprKind::kInList, TypeId::kBool, std::move(children)),
        set_(std::move(set)),
        list_has_null_(list_has_null) {
    negated_ = negated;
  }

  absl::StatusOr<Datum> Evaluate(const Batch& batch) const override {
    STRATA_ASSIGN_OR_RETURN(Datum operand, children_[0]->Evaluate(batch));
    if (!set_.has_value()) {
      return EvaluateGeneric(operand, batch);
    }
    if (operand.type() == TypeId::kNull || (operand.is_scalar() && operand.scalar().is_null())) {
      return Datum(Scalar::Null(TypeId::kBool));
    }
    if (operand.is_scalar()) {
      STRATA_ASSIGN_OR_RETURN(ColumnPtr one, EvaluateSet(*ScalarToColumn(operand.scalar(), 1)));
      return Datum(ScalarAt(*one, 0));
    }
    STRATA_ASSIGN_OR_RETURN(ColumnPtr result, EvaluateSet(*operand.column()));
    return Datum(std::move(result));
  }

  std::string ToString() const override {
    std::string text = ChildText(*children_[0]) + (negated_ ? " NOT IN (" : " IN (");
    for (size_t i = 1; i < children_.size(); ++i) {
      if (i > 1) {
        text += ", ";
      }
      text += children_[i]->ToString();
    }
    return text + ")";
  }

 private:
  // Fills the result from found[i] (1 when row i's value is in the set).
  ColumnPtr Finish(const Column& operand, std::shared_ptr<Column> out) const {
    const int64_t n = operand.size();
    uint8_t* v = out->mutable_data<uint8_t>();
    std::optional<Bitmap> validity = CopyValidity(ValidityWords(operand), n);
    if (list_has_null_) {
      // Not found in a list holding NULL: unknown.
      if (!validity.has_value()) {
        validity.emplace(n, true);
      }
      for (int64_t i = 0; i < n; ++i) {
        if (v[i] == 0) {
          validity->Set(i, false);
        }
      }
    }
    if (negated_) {
      for (int64_t i = 0; i < n; ++i) {
        v[i] ^= 1;
      }
    }
    return FinishColumn(std::move(out), std::move(validity));
  }

  absl::StatusOr<ColumnPtr> EvaluateSet(const Column& operand) const {
    const int64_t n = operand.size();
    auto out = AllocateFixedColumn(TypeId::kBool, n);
    uint8_t* found = out->mutable_data<uint8_t>();
    const LiteralSet& set = *set_;
    switch (operand.type()) {
      case TypeId::kBool: {
        const uint8_t* v = operand.data<uint8_t>();
        for (int64_t i = 0; i < n; ++i) {
          found[i] = set.ints.contains(v[i]);
        }
        break;
      }
      case TypeId::kInt64:
      case TypeId::kTimestamp: {
        const int64_t* v = operand.data<int64_t>();
        for (int64_t i = 0; i < n; ++i) {
          found[i] = set.ints.contains(v[i]);
        }
        break;
      }
      case TypeId::kUInt64: {
        const uint64_t* v = operand.data<uint64_t>();
        for (int64_t i = 0; i < n; ++i) {
          found[i] = set.uints.contains(v[i]);
        }
        break;
      }
      case TypeId::kFloat64: {
        const double* v = operand.data<double>();
        for (int64_t i = 0; i < n; ++i) {
          found[i] = set.uints.contains(FloatKey(v[i]));
        }
        break;
      }
      case TypeId::kDictionary: {
        // The list as codes of this dictionary; values absent from it match nothing.
        const StringDictionary& dictionary = *operand.dictionary();
        const int32_t* codes = operand.data<int32_t>();
        std::vector<uint8_t> table(static_cast<size_t>(dictionary.size()));
        for (const std::string& s : set.strings) {
          const int32_t code = dictionary.Find(s);
          if (code >= 0 && code < dictionary.size()) {
            table[static_cast<size_t>(code)] = 1;
          }
        }
        const auto size = static_cast<uint32_t>(table.size());
        for (int64_t i = 0; i < n; ++i) {
          const auto code = static_cast<uint32_t>(codes[i]);
          found[i] = code < size ? table[code] : 0;
        }
        break;
      }
      case TypeId::kString: {
        StringReader strings(operand);
        const uint64_t* valid = ValidityWords(operand);
        for (int64_t i = 0; i < n; ++i) {
          // Heterogeneous lookup: no std::string per row.
          found[i] = RowIsValid(valid, i) &&
                     set.strings.contains(absl::string_view(strings[i].data(), strings[i].size()));
        }
        break;
      }
      default:
        return absl::InvalidArgumentError(
            fmt::format("IN list has no kernel for {}", TypeName(operand.type())));
    }
    return Finish(operand, std::move(out));
  }

  absl::StatusOr<Datum> EvaluateGeneric(const Datum& operand, const Batch& batch) const {
    Datum result(Scalar::Bool(false));
    for (size_t i = 1; i < children_.size(); ++i) {
      STRATA_ASSIGN_OR_RETURN(Datum element, children_[i]->Evaluate(batch));
      STRATA_ASSIGN_OR_RETURN(Datum equal, EvaluateComparison(BinaryOp::kEq, operand, element));
      STRATA_ASSIGN_OR_RETURN(result, EvaluateLogical(BinaryOp::kOr, result, equal));
    }
    if (negated_) {
      return EvaluateNot(result);
    }
    return result;
  }

  std::optional<LiteralSet> set_;
  bool list_has_null_;
};

}  // namespace

absl::StatusOr<PhysicalExprPtr> MakeInListExpr(PhysicalExprPtr operand,
                                               std::vector<PhysicalExprPtr> list,
                                               bool negated) {
  const TypeId type = operand->type();
  for (const PhysicalExprPtr& element : list) {
    const TypeId et = element->type();
    const bool compatible = et == type || et == TypeId::kNull || type == TypeId::kNull ||
                            (IsStringType(et) && IsStringType(type));
    if (!compatible) {
      return absl::InvalidArgumentError(fmt::format(
          "IN list element of type {} does not match {}", TypeName(et), TypeName(type)));
    }
  }
  // A set when every element is a literal and the operand's type has a hashed kernel.
  bool all_literals = type != TypeId::kNull && type != TypeId::kInterval;
  for (const PhysicalExprPtr& element : list) {
    all_literals = all_literals && element->kind() == PhysicalExprKind::kLiteral;
  }
  std::optional<LiteralSet> set;
  bool list_has_null = false;
  if (all_literals) {
    set.emplace();
    for (const PhysicalExprPtr& element : list) {
      const Scalar& v = element->literal();
      if (v.is_null()) {
        list_has_null = true;
        continue;
      }
      switch (type) {
        case TypeId::kBool:
          set->ints.insert(v.bool_value() ? 1 : 0);
          break;
        case TypeId::kInt64:
        case TypeId::kTimestamp:
          set->ints.insert(v.int64_value());
          break;
        case TypeId::kUInt64:
          set->uints.insert(v.uint64_value());
          break;
        case TypeId::kFloat64:
          set->uints.insert(FloatKey(v.float64_value()));
          break;
        case TypeId::kString:
        case TypeId::kDictionary:
          set->strings.insert(v.string_value());
          break;
        default:
          break;
      }
    }
  }
  std::vector<PhysicalExprPtr> children;
  children.reserve(list.size() + 1);
  children.push_back(std::move(operand));
  for (PhysicalExprPtr& element : list) {
    children.push_back(std::move(element));
  }
  return std::make_shared<InListExpr>(std::move(children), negated, std::move(set), list_has_null);
}

}  // namespace strata::exec
