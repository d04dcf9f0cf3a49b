#pragma once
/// \file
/// Text as publishers write it: encodings (UTF-8, Windows-1252, anything iconv knows),
/// decimal commas, and keys that differ by a leading zero, case or accents. Pure text: no
/// GDAL.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace vigia::io {

/// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates, ≤ U+10FFFF).
bool valid_utf8(std::string_view s) noexcept;

/// The offset of the first byte that breaks UTF-8, or npos.
std::size_t first_invalid_utf8(std::string_view s) noexcept;

/// Windows-1252 (a superset of ISO-8859-1's printable range) to UTF-8. The five bytes
/// Windows-1252 leaves undefined become U+FFFD.
std::string cp1252_to_utf8(std::string_view s);

/// Text in a named encoding to UTF-8, through iconv (opened once per Recoder).
class Recoder {
public:
    /// `encoding`: "UTF-8", "CP1252"/"WINDOWS-1252", "ISO-8859-1"/"LATIN1", or any name iconv
    /// knows. Throws std::invalid_argument for a name iconv does not know.
    explicit Recoder(const std::string& encoding);
    ~Recoder();
    Recoder(const Recoder&) = delete;
    Recoder& operator=(const Recoder&) = delete;
    Recoder(Recoder&&) noexcept;
    Recoder& operator=(Recoder&&) noexcept;

    /// The text in UTF-8; bytes the encoding cannot map become U+FFFD.
    std::string to_utf8(std::string_view s) const;
    const std::string& name() const noexcept { return m_name; }

private:
    enum class Kind : std::uint8_t { utf8, cp1252, latin1, iconv };
    Kind m_kind = Kind::utf8;
    std::string m_name;
    void* m_cd = nullptr; ///< iconv_t
};

/// Decimal separator of a number column: detected, or given by `decimal = ","`.
enum class Decimal : std::uint8_t { automatic, point, comma };

/// A coordinate or a count as text: "-103.34", "-103,34" (a decimal comma, accepted unless
/// `decimal` is point), blanks around. Nothing for anything else. `used_comma` is set when a
/// comma was read as the decimal separator.
std::optional<double> parse_decimal(std::string_view s, Decimal decimal,
                                    bool* used_comma = nullptr);

/// A key as a number for key_match = "number": "05001", "5001", "5001.0" → 5001; nothing for
/// text that is not a whole number.
std::optional<long long> key_number(std::string_view s) noexcept;

/// A name for key_match = "name": trimmed, lower-case, accents dropped (UTF-8 Latin letters),
/// punctuation dropped and runs of blanks made one ("SAN JOSÉ" and "San  Jose." → "san jose").
std::string fold_name(std::string_view s);

} // namespace vigia::io
