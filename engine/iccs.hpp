#pragma once
/// \file
/// The UNODC International Classification of Crime for Statistical Purposes (ICCS): the
/// codes vigia knows and their names in the alliance's four languages. The table is
/// data/categories/iccs.csv, compiled into the program so outputs never depend on where the
/// data folder is.

#include "engine/language.hpp"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace vigia::engine {

struct IccsCode {
    std::string code;                 ///< "0401", "05011"
    int level = 0;                    ///< 1 (section) to 4
    std::array<std::string, 4> names; ///< en, es, pt, fr
};

/// Every code of the table, in its order.
const std::vector<IccsCode>& iccs_codes();

/// The code's entry, or null when the table does not hold it.
const IccsCode* find_iccs(std::string_view code);

/// The code's name in a language; the code itself when unknown.
std::string iccs_name(std::string_view code, Language language);

/// The name shown for a category of the outputs: "all" (all incidents) in the language
/// ("all", "todos", "todos", "tous"), else iccs_name.
std::string category_label(std::string_view category, Language language);

/// True when `code` (an incident's mapped code) falls under `category`: the same code or one
/// below it in the hierarchy ("0501" under "05"). NC and UNK fall under nothing.
bool iccs_within(std::string_view code, std::string_view category) noexcept;

} // namespace vigia::engine
