#pragma once
/// \file
/// The language of a batch's labels, legends, aliases, titles and maps (`[analysis]
/// language`): one typed value, read once by the manifest. The words are in engine/labels.hpp.

#include <optional>
#include <string_view>
#include <vector>

namespace vigia::engine {

enum class Language { en, es, pt, fr };

/// "en", "es", "pt" or "fr" (exactly, lower case); nullopt otherwise.
std::optional<Language> parse_language(std::string_view code);
/// The code parse_language reads.
const char* to_string(Language language) noexcept;
/// Every language, in a fixed order (for tests and loops).
const std::vector<Language>& all_languages();

} // namespace vigia::engine
