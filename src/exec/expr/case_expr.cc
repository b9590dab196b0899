// CASE: each WHEN is evaluated only on the rows no earlier branch took, each THEN only on the
// rows its WHEN selected (gathered into a smaller batch), so `CASE WHEN x <> 0 THEN 1 / x END`
// never divides by zero. The pieces are then scattered back into row order.
#include <numeric>
#include <vector>

#include "common/status.h"
#include "exec/expr/binary_kernels.h"
#include "exec/expr/datum_access.h"
#include "exec/expr/expr_nodes.h"
#include "exec/physical_expr.h"
#include "exec/take.h"
#include "fmt/format.h"

namespace strata::exec {
namespace {

void CollectColumns(const PhysicalExpr& expr, std::vector<bool>* used) {
  if (expr.kind() == PhysicalExprKind::kColumn && expr.column_index() >= 0) {
    const auto index = static_cast<size_t>(expr.column_index());
    if (used->size() <= index) {
      used->resize(index + 1, false);
    }
    (*used)[index] = true;
  }
  for (const PhysicalExprPtr& child : expr.children()) {
    CollectColumns(*child, used);
  }
}

// One branch's values and the batch rows they belong to.
struct Piece {
  ColumnPtr values;
  bool broadcast = false;  // one value for every row of `rows`
  std::vector<uint32_t> rows;
};

class CaseExpr final : public PhysicalExpr {
 public:
  CaseExpr(TypeId type, bool has_operand, bool has_else, std::vector<PhysicalExprPtr> children)
      : PhysicalExpr(PhysicalExprKind::kCase, type, std::move(children)) {
    case_has_operand_ = has_operand;
    case_has_else_ = has_else;
    for (const PhysicalExprPtr& child : children_) {
      CollectColumns(*child, &used_columns_);
    }
  }

  absl::StatusOr<Datum> Evaluate(const Batch& batch) const override {
    const int64_t n = batch.num_rows();
    size_t next = 0;
    // An optional rather than a default-constructed Datum: GCC 12 reports a false
    // -Wmaybe-uninitialized on a default-constructed Datum's Scalar when it is reassigned here.
    std::optional<Datum> operand;
    if (case_has_operand_) {
      STRATA_ASSIGN_OR_RETURN(Datum value, children_[0]->Evaluate(batch));
      operand.emplace(std::move(value));
      next = 1;
    }
    const size_t branches_end = children_.size() - (case_has_else_ ? 1 : 0);
    // `remaining` lists the rows no branch has taken; `all_remaining` means every row (and
    // `sub` is then the batch itself).
    bool all_remaining = true;
    std::vector<uint32_t> remaining;
    Batch sub = batch;
    std::optional<Datum> sub_operand = operand;
    std::vector<Piece> pieces;
    for (size_t i = next; i < branches_end; i += 2) {
      if (!all_remaining && remaining.empty()) {
        break;
      }
      STRATA_ASSIGN_OR_RETURN(Datum condition, children_[i]->Evaluate(sub));
      if (case_has_operand_) {
        STRATA_ASSIGN_OR_RETURN(condition,
                                EvaluateComparison(BinaryOp::kEq, *sub_operand, condition));
      }
      if (condition.is_scalar()) {
        const Scalar& c = condition.scalar();
        if (c.is_null() || c.type() != TypeId::kBool || !c.bool_value()) {
          continue;  // no row takes this branch
        }
        // Every remaining row takes it.
        STRATA_ASSIGN_OR_RETURN(Datum value, children_[i + 1]->Evaluate(sub));
        if (all_remaining) {
          return value;
        }
        pieces.push_back(MakePiece(value, std::move(remaining)));
        remaining.clear();
        break;
      }
      // Split the remaining rows into those taking the branch and the rest.
      const Column& mask = *condition.column();
      const uint8_t* v = mask.data<uint8_t>();
      const uint64_t* valid = ValidityWords(mask);
      std::vector<uint32_t> taken;
      std::vector<uint32_t> rest;
      const int64_t m = mask.size();
      for (int64_t r = 0; r < m; ++r) {
        const uint32_t row = all_remaining ? static_cast<uint32_t>(r) : remaining[r];
        if (v[r] != 0 && RowIsValid(valid, r)) {
          taken.push_back(row);
        } else {
          rest.push_back(row);
        }
      }
      if (taken.empty()) {
        continue;
      }
      if (all_remaining && rest.empty()) {
        return children_[i + 1]->Evaluate(batch);
      }
      STRATA_ASSIGN_OR_RETURN(Datum value, children_[i + 1]->Evaluate(Restrict(batch, taken)));
      pieces.push_back(MakePiece(value, std::move(taken)));
      remaining = std::move(rest);
      all_remaining = false;
      sub = Restrict(batch, remaining);
      if (operand.has_value() && operand->is_column()) {
        sub_operand.emplace(
            Take(*operand->column(), remaining.data(), static_cast<int64_t>(remaining.size())));
      }
    }
    if (case_has_else_ && (all_remaining || !remaining.empty())) {
      STRATA_ASSIGN_OR_RETURN(Datum value, children_.back()->Evaluate(sub));
      if (all_remaining) {
        return value;
      }
      pieces.push_back(MakePiece(value, std::move(remaining)));
    } else if (all_remaining) {
      return Datum(Scalar::Null(type_ == TypeId::kDictionary ? TypeId::kString : type_));
    }
    return Assemble(pieces, n);
  }

  std::string ToString() const override {
    std::string text = "CASE";
    size_t i = 0;
    if (case_has_operand_) {
      text += " " + children_[0]->ToString();
      i = 1;
    }
    const size_t branches_end = children_.size() - (case_has_else_ ? 1 : 0);
    for (; i < branches_end; i += 2) {
      text +=
          fmt::format(" WHEN {} THEN {}", children_[i]->ToString(), children_[i + 1]->ToString());
    }
    if (case_has_else_) {
      text += " ELSE " + children_.back()->ToString();
    }
    return text + " END";
  }

 private:
  static Piece MakePiece(const Datum& value, std::vector<uint32_t> rows) {
    Piece piece;
    piece.rows = std::move(rows);
    if (value.is_scalar()) {
      piece.values = ScalarToColumn(value.scalar(), 1);
      piece.broadcast = true;
    } else {
      piece.values = value.column();
    }
    return piece;
  }

  // The batch's rows `rows`, with only the columns this CASE reads gathered (the others are
  // placeholders nobody looks at).
  Batch Restrict(const Batch& batch, const std::vector<uint32_t>& rows) const {
    const auto k = static_cast<int64_t>(rows.size());
    std::vector<ColumnPtr> columns;
    columns.reserve(static_cast<size_t>(batch.num_columns()));
    for (int c = 0; c < batch.num_columns(); ++c) {
      const auto index = static_cast<size_t>(c);
      if (index < used_columns_.size() && used_columns_[index]) {
        columns.push_back(Take(*batch.column(c), rows.data(), k));
      } else {
        columns.push_back(MakeNullColumn(batch.column(c)->type(), k));
      }
    }
    return Batch(batch.schema(), std::move(columns), k);
  }

  absl::StatusOr<Datum> Assemble(const std::vector<Piece>& pieces, int64_t n) const {
    // Which piece, and which position in it, every row reads (-1: no branch, NULL).
    std::vector<int32_t> source(static_cast<size_t>(n), -1);
    std::vector<uint32_t> position(static_cast<size_t>(n), 0);
    for (size_t p = 0; p < pieces.size(); ++p) {
      const Piece& piece = pieces[p];
      for (size_t j = 0; j < piece.rows.size(); ++j) {
        source[piece.rows[j]] = static_cast<int32_t>(p);
        position[piece.rows[j]] = piece.broadcast ? 0 : static_cast<uint32_t>(j);
      }
    }
    TypeId out_type = type_ == TypeId::kDictionary ? TypeId::kString : type_;
    if (out_type == TypeId::kNull) {
      return Datum(MakeNullColumn(TypeId::kNull, n));
    }
    auto valid_at = [&](int64_t i) {
      const int32_t s = source[static_cast<size_t>(i)];
      return s >= 0 &&
             pieces[static_cast<size_t>(s)].values->IsValid(position[static_cast<size_t>(i)]);
    };
    if (out_type == TypeId::kString) {
      std::vector<StringReader> readers;
      for (const Piece& piece : pieces) {
        readers.emplace_back(*piece.values);
      }
      auto out = std::make_shared<Column>(TypeId::kString);
      out->Reserve(n);
      for (int64_t i = 0; i < n; ++i) {
        if (!valid_at(i)) {
          out->AppendNull();
          continue;
        }
        out->AppendString(readers[static_cast<size_t>(source[static_cast<size_t>(i)])]
                                 [position[static_cast<size_t>(i)]]);
      }
      return Datum(ColumnPtr(std::move(out)));
    }
    auto out = AllocateFixedColumn(out_type, n);
    Bitmap validity(n, false);
    auto fill = [&]<typename T>() {
      T* dst = out->template mutable_data<T>();
      for (int64_t i = 0; i < n; ++i) {
        if (valid_at(i)) {
          const Piece& piece = pieces[static_cast<size_t>(source[static_cast<size_t>(i)])];
          dst[i] = piece.values->template data<T>()[position[static_cast<size_t>(i)]];
          validity.Set(i, true);
        }
      }
    };
    switch (out_type) {
      case TypeId::kBool:
        fill.template operator()<uint8_t>();
        break;
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        fill.template operator()<int64_t>();
        break;
      case TypeId::kUInt64:
        fill.template operator()<uint64_t>();
        break;
      case TypeId::kFloat64:
        fill.template operator()<double>();
        break;
      case TypeId::kInterval:
        fill.template operator()<Interval>();
        break;
      default:
        return absl::InvalidArgumentError(
            fmt::format("CASE has no kernel for {}", TypeName(out_type)));
    }
    return Datum(FinishColumn(std::move(out), std::move(validity)));
  }

  std::vector<bool> used_columns_;
};

}  // namespace

absl::StatusOr<PhysicalExprPtr> MakeCaseExpr(TypeId type,
                                             bool has_operand,
                                             bool has_else,
                                             std::vector<PhysicalExprPtr> children) {
  const size_t fixed = (has_operand ? 1 : 0) + (has_else ? 1 : 0);
  if (children.size() < fixed + 2 || (children.size() - fixed) % 2 != 0) {
    return absl::InvalidArgumentError(
        fmt::format("CASE needs WHEN/THEN pairs, got {} children", children.size()));
  }
  auto same = [type](TypeId t) {
    return t == type || t == TypeId::kNull || (IsStringType(t) && IsStringType(type));
  };
  const size_t start = has_operand ? 1 : 0;
  const size_t end = children.size() - (has_else ? 1 : 0);
  for (size_t i = start; i < end; i += 2) {
    const TypeId when = children[i]->type();
    const bool when_ok = has_operand ? (when == children[0]->type() || when == TypeId::kNull ||
                                        (IsStringType(when) && IsStringType(children[0]->type())))
                                     : (when == TypeId::kBool || when == TypeId::kNull);
    if (!when_ok) {
      return absl::InvalidArgumentError(
          fmt::format("CASE WHEN of type {} does not fit", TypeName(when)));
    }
    if (!same(children[i + 1]->type())) {
      return absl::InvalidArgumentError(fmt::format(
          "CASE THEN of type {} is not {}", TypeName(children[i + 1]->type()), TypeName(type)));
    }
  }
  if (has_else && !same(children.back()->type())) {
    return absl::InvalidArgumentError(fmt::format(
        "CASE ELSE of type {} is not {}", TypeName(children.back()->type()), TypeName(type)));
  }
  return std::make_shared<CaseExpr>(type, has_operand, has_else, std::move(children));
}

}  // namespace strata::exec
