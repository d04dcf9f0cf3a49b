// vigia_embed_tables: checks the CSV tables of data/i18n and data/styles and compiles them into
// the engine (generated/engine/embedded_tables.{hpp,cpp}), so the words and colours users see
// are edited as data and still ship inside the binary (STYLE.md §4.4a). Run by the build
// (engine/CMakeLists.txt); any error stops it with "file:line: key 'k': what" on stderr.
//
//   vigia_embed_tables --root DIR --header OUT.hpp --source OUT.cpp
//                      [--i18n FILE]... [--styles FILE]...
//
// FILEs are relative to DIR (so messages name data/i18n/x.csv). Every file is RFC 4180 CSV in
// UTF-8 with a header row; blank lines are skipped. Checks:
// - i18n tables: header `key,en,es,pt,fr`; every row has the key and the four languages, none
//   empty or with blanks at either end; keys unique across all the tables; the placeholders of
//   every language (`{name}`, `{}`; `{{` and `}}` are literal braces) the same as in English,
//   and no `{` or `}` unmatched; a key holds at most one placeholder (a name pattern such as
//   `field.dist_{kind}`).
// - style tables: every row has a value in every column; a `colour` is `#rrggbb`, `#rrggbbaa`
//   or the name of a palette; a `shape` is a QGIS SimpleMarker name Vigía draws; columns ending
//   in `_mm` or `_px` are positive numbers; a table with `palette` and `class` columns has each
//   pair once, and a palette named like a prefix of i18n keys (`gi_class` for `gi_class.3` …)
//   lists exactly those classes, in the same order.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kI18nHeader{"key", "en", "es", "pt", "fr"};
const std::set<std::string> kShapes{"circle", "square", "triangle", "diamond", "pentagon", "star"};

struct Record {
    int line = 0; ///< where the record starts (1-based)
    std::vector<std::string> cells;
};

struct Table {
    std::string name; ///< the file's stem
    std::string path; ///< as given (relative to --root)
    bool i18n = false;
    std::vector<std::string> header;
    std::vector<Record> rows;
};

class Errors {
public:
    void add(const std::string& path, int line, const std::string& what) {
        m_list.push_back(line > 0 ? path + ":" + std::to_string(line) + ": " + what
                                  : path + ": " + what);
    }
    bool empty() const { return m_list.empty(); }
    std::size_t size() const { return m_list.size(); }
    void print() const {
        for (const std::string& e : m_list)
            std::fprintf(stderr, "%s\n", e.c_str());
    }

private:
    std::vector<std::string> m_list;
};

std::string key_of(const Record& r) {
    return r.cells.empty() ? std::string{} : r.cells[0];
}

/// "key 'x': " to start a message about a row (or "" when the key itself is missing).
std::string about(const Record& r) {
    const std::string k = key_of(r);
    return k.empty() ? std::string{} : "key '" + k + "': ";
}

/// The line of byte `pos` of `text`.
int line_at(const std::string& text, std::size_t pos) {
    return 1 +
           static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
}

/// Byte position of the first invalid UTF-8 sequence, or npos.
std::size_t invalid_utf8(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = 0; // continuation bytes
        if (c >= 0xC2 && c <= 0xDF)
            n = 1;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 2;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 3;
        else if (c >= 0x80)
            return i;
        for (std::size_t k = 1; k <= n; ++k)
            if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
                return i;
        i += n + 1;
    }
    return std::string::npos;
}

/// RFC 4180 records of `text` (fields separated by commas, records by LF or CRLF, fields in
/// double quotes may hold commas, line breaks and doubled quotes). Blank lines are skipped.
std::vector<Record> parse_csv(const std::string& text, const std::string& path, Errors& errors) {
    std::vector<Record> out;
    std::size_t i = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0; // a BOM is not part of the key
    int line = 1;
    while (i < text.size()) {
        Record r;
        r.line = line;
        bool end_of_record = false;
        bool blank = true;
        while (!end_of_record) {
            std::string cell;
            if (i < text.size() && text[i] == '"') {
                blank = false;
                const int opened = line;
                ++i;
                bool closed = false;
                while (i < text.size()) {
                    if (text[i] == '"') {
                        if (i + 1 < text.size() && text[i + 1] == '"') {
                            cell += '"';
                            i += 2;
                            continue;
                        }
                        ++i;
                        closed = true;
                        break;
                    }
                    if (text[i] == '\n') ++line;
                    cell += text[i++];
                }
                if (!closed) {
                    errors.add(path, opened, "a quoted field is never closed (missing '\"')");
                    return out;
                }
                if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
                    errors.add(path, line,
                               "text after a closing quote (a quote inside a quoted field is "
                               "written \"\")");
                    while (i < text.size() && text[i] != ',' && text[i] != '\n')
                        ++i;
                }
            } else {
                bool quote_reported = false;
                while (i < text.size() && text[i] != ',' && text[i] != '\n' &&
                       !(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
                    if (text[i] == '"' && !quote_reported) {
                        quote_reported = true;
                        errors.add(path, line,
                                   "a quote inside an unquoted field (quote the whole field and "
                                   "double the quote: \"a \"\"b\"\"\")");
                    }
                    cell += text[i++];
                }
                if (!cell.empty()) blank = false;
            }
            r.cells.push_back(std::move(cell));
            if (i >= text.size()) {
                end_of_record = true;
            } else if (text[i] == ',') {
                blank = false;
                ++i;
            } else {
                if (text[i] == '\r') ++i;
                if (i < text.size() && text[i] == '\n') ++i;
                ++line;
                end_of_record = true;
            }
        }
        if (!blank) out.push_back(std::move(r));
    }
    return out;
}

/// The placeholders of `text` ("{name}" → "name", "{}" → ""), sorted; an error message in
/// `problem` when a brace is unmatched or a name is not [a-z0-9_].
std::vector<std::string> placeholders(std::string_view text, std::string& problem) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '{' && i + 1 < text.size() && text[i + 1] == '{') {
            ++i;
            continue;
        }
        if (text[i] == '}' && i + 1 < text.size() && text[i + 1] == '}') {
            ++i;
            continue;
        }
        if (text[i] == '}') {
            problem = "unmatched '}' at character " + std::to_string(i + 1) +
                      " (a literal brace is written '}}')";
            return out;
        }
        if (text[i] != '{') continue;
        const std::size_t close = text.find_first_of("{}", i + 1);
        if (close == std::string_view::npos || text[close] != '}') {
            problem = "unmatched '{' at character " + std::to_string(i + 1) +
                      " (a literal brace is written '{{')";
            return out;
        }
        const std::string_view name = text.substr(i + 1, close - i - 1);
        for (char c : name)
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
                problem = "placeholder '{" + std::string{name} +
                          "}' (names are lower-case letters, digits and '_')";
                return out;
            }
        out.emplace_back(name);
        i = close;
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string list(const std::vector<std::string>& names) {
    if (names.empty()) return "none";
    std::string s;
    for (const std::string& n : names)
        s += (s.empty() ? "" : " ") + ("{" + n + "}");
    return s;
}

bool blank_at_ends(const std::string& s) {
    auto blank = [](char c) { return c == ' ' || c == '\t'; };
    return !s.empty() && (blank(s.front()) || blank(s.back()));
}

bool has_control(const std::string& s) {
    return std::any_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

void check_i18n(Table& t, std::map<std::string, std::string>& seen, Errors& errors) {
    if (t.header != kI18nHeader) {
        errors.add(t.path, 1, "the header must be 'key,en,es,pt,fr'");
        return;
    }
    for (const Record& r : t.rows) {
        const std::string key = key_of(r);
        if (key.empty()) {
            errors.add(t.path, r.line, "a row without a key");
            continue;
        }
        const bool key_ok = std::all_of(key.begin(), key.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '.' || c == '-' || c == '{' || c == '}';
        });
        if (!key_ok) {
            errors.add(t.path, r.line,
                       "key '" + key + "': keys are letters, digits and '_', '.', '-', '{', '}'");
        }
        std::string problem;
        if (placeholders(key, problem).size() > 1)
            errors.add(t.path, r.line, about(r) + "a key holds at most one placeholder");
        if (!problem.empty()) errors.add(t.path, r.line, about(r) + "in the key: " + problem);
        if (const auto [it, fresh] = seen.emplace(key, t.path + ":" + std::to_string(r.line));
            !fresh) {
            errors.add(t.path, r.line, about(r) + "duplicate key (first at " + it->second + ")");
        }
        if (r.cells.size() != kI18nHeader.size()) {
            const bool fewer = r.cells.size() < kI18nHeader.size();
            std::string what = about(r) + std::to_string(r.cells.size() - 1) + " translation" +
                               (r.cells.size() == 2 ? "" : "s") + ", expected 4 (en, es, pt, fr)";
            if (fewer) {
                what += ": no ";
                for (std::size_t k = r.cells.size(); k < kI18nHeader.size(); ++k)
                    what += kI18nHeader[k] + (k + 1 < kI18nHeader.size() ? ", " : "");
            } else {
                what += " (an unquoted comma? quote the text: \"a, b\")";
            }
            errors.add(t.path, r.line, what);
            continue;
        }
        std::string en_problem;
        const std::vector<std::string> en = placeholders(r.cells[1], en_problem);
        for (std::size_t k = 1; k < r.cells.size(); ++k) {
            const std::string& text = r.cells[k];
            const std::string& lang = kI18nHeader[k];
            if (text.find_first_not_of(" \t") == std::string::npos) {
                errors.add(t.path, r.line, about(r) + lang + " is empty");
                continue;
            }
            if (blank_at_ends(text))
                errors.add(t.path, r.line, about(r) + lang + " begins or ends with a blank");
            if (has_control(text))
                errors.add(t.path, r.line,
                           about(r) + lang + " holds a control character (a line break?)");
            std::string problem_k;
            const std::vector<std::string> mine = placeholders(text, problem_k);
            if (!problem_k.empty()) {
                errors.add(t.path, r.line, about(r) + lang + ": " + problem_k);
            } else if (k > 1 && en_problem.empty() && mine != en) {
                errors.add(t.path, r.line,
                           about(r) + "placeholders differ: en has " + list(en) + ", " + lang +
                               " has " + list(mine));
            }
        }
    }
}

bool is_hex_colour(const std::string& s) {
    return (s.size() == 7 || s.size() == 9) && s[0] == '#' &&
           std::all_of(s.begin() + 1, s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
           });
}

bool is_positive_number(const std::string& s) {
    const bool digits_and_a_dot =
        !s.empty() && s.front() != '.' && s.back() != '.' &&
        std::count(s.begin(), s.end(), '.') <= 1 &&
        std::all_of(s.begin(), s.end(), [](char c) { return c == '.' || (c >= '0' && c <= '9'); });
    return digits_and_a_dot &&
           std::any_of(s.begin(), s.end(), [](char c) { return c >= '1' && c <= '9'; });
}

std::size_t column(const Table& t, std::string_view name) {
    const auto it = std::find(t.header.begin(), t.header.end(), name);
    return it == t.header.end() ? std::string::npos
                                : static_cast<std::size_t>(it - t.header.begin());
}

void check_styles(const std::vector<Table>& tables, Errors& errors) {
    // Palettes first: colours elsewhere may name them.
    std::set<std::string> palettes;
    for (const Table& t : tables)
        if (!t.i18n && column(t, "palette") != std::string::npos)
            for (const Record& r : t.rows)
                if (!r.cells.empty()) palettes.insert(r.cells[0]);
    // The i18n keys by prefix ("gi_class" → 3, 2, … in file order), for the palettes of classes.
    std::map<std::string, std::vector<std::string>> classes;
    std::map<std::string, std::string> classes_file;
    for (const Table& t : tables)
        if (t.i18n)
            for (const Record& r : t.rows) {
                const std::string key = key_of(r);
                const std::size_t dot = key.find('.');
                if (dot == std::string::npos || key.find('{') != std::string::npos) continue;
                classes[key.substr(0, dot)].push_back(key.substr(dot + 1));
                classes_file.emplace(key.substr(0, dot), t.path);
            }

    for (const Table& t : tables) {
        if (t.i18n) continue;
        std::set<std::string> names;
        for (const std::string& h : t.header) {
            const bool ok = !h.empty() && std::all_of(h.begin(), h.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
            });
            if (!ok) errors.add(t.path, 1, "column '" + h + "': names are [a-z0-9_]");
            if (!names.insert(h).second) errors.add(t.path, 1, "column '" + h + "' twice");
        }
        const std::size_t pal = column(t, "palette"), cls = column(t, "class");
        std::map<std::string, std::vector<std::pair<std::string, int>>> listed;
        std::set<std::pair<std::string, std::string>> pairs;
        for (const Record& r : t.rows) {
            // "palette 'gi_class': …": the first column names the row.
            const std::string row = t.header.front() + " '" + key_of(r) + "': ";
            if (r.cells.size() != t.header.size()) {
                errors.add(t.path, r.line,
                           row + std::to_string(r.cells.size()) + " fields, expected " +
                               std::to_string(t.header.size()) + " (" + t.header.front() + " … " +
                               t.header.back() + ")");
                continue;
            }
            for (std::size_t k = 0; k < r.cells.size(); ++k) {
                const std::string& v = r.cells[k];
                const std::string& h = t.header[k];
                const std::string where = row + h + " ";
                if (v.empty()) {
                    errors.add(t.path, r.line, where + "is empty");
                    continue;
                }
                if (blank_at_ends(v) || has_control(v))
                    errors.add(t.path, r.line, where + "'" + v + "' has blanks at an end");
                if (h == "colour" && !is_hex_colour(v) && !palettes.count(v))
                    errors.add(t.path, r.line,
                               where + "'" + v + "' is not #rrggbb, #rrggbbaa or a palette name");
                if (h == "shape" && !kShapes.count(v))
                    errors.add(t.path, r.line,
                               where + "'" + v +
                                   "' is not circle, square, triangle, diamond, pentagon or star");
                const bool measure = h.size() > 3 && (h.substr(h.size() - 3) == "_mm" ||
                                                      h.substr(h.size() - 3) == "_px");
                if (measure && !is_positive_number(v))
                    errors.add(t.path, r.line, where + "'" + v + "' is not a positive number");
            }
            if (pal != std::string::npos && cls != std::string::npos) {
                if (!pairs.emplace(r.cells[pal], r.cells[cls]).second)
                    errors.add(t.path, r.line,
                               "palette '" + r.cells[pal] + "' lists class '" + r.cells[cls] +
                                   "' twice");
                listed[r.cells[pal]].emplace_back(r.cells[cls], r.line);
            }
        }
        for (const auto& [name, entries] : listed) {
            const auto it = classes.find(name);
            if (it == classes.end()) continue;
            std::vector<std::string> mine;
            for (const auto& e : entries)
                mine.push_back(e.first);
            if (mine == it->second) continue;
            std::string want, have;
            for (const std::string& c : it->second)
                want += (want.empty() ? "" : ", ") + c;
            for (const std::string& c : mine)
                have += (have.empty() ? "" : ", ") + c;
            errors.add(t.path, entries.front().second,
                       "palette '" + name + "' must list the classes of " + classes_file.at(name) +
                           " in its order (" + want + "), not (" + have + ")");
        }
    }
}

// ---- output ----------------------------------------------------------------------------------

std::string literal(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += std::string{'\\'} + c;
        else
            out += c; // UTF-8 bytes as they are; control characters were refused
    }
    return out + "\"";
}

const char* const kHeader =
    R"(// Generated by vigia_embed_tables (engine/gen/embed_tables.cpp) from data/i18n and
// data/styles: do not edit.
#pragma once

#include <span>
#include <string_view>

namespace vigia::engine::embedded {

/// One row of an embedded CSV table: its line in the file and its cells in the header's order.
struct Row {
    int line;
    std::span<const std::string_view> cells;
};

/// One CSV file of data/i18n (`i18n`: header key,en,es,pt,fr) or data/styles, as checked at
/// build time.
struct Table {
    std::string_view name; ///< the file's stem: "classes", "palettes" …
    std::string_view path; ///< e.g. "data/i18n/classes.csv"
    bool i18n;
    std::span<const std::string_view> header;
    std::span<const Row> rows;
};

/// Every table, in the order the build lists them.
std::span<const Table> tables() noexcept;

} // namespace vigia::engine::embedded
)";

std::string source(const std::vector<Table>& tables, const std::string& header_name) {
    std::ostringstream o;
    o << "// Generated by vigia_embed_tables (engine/gen/embed_tables.cpp) from data/i18n and\n"
         "// data/styles: do not edit.\n"
      << "#include \"engine/" << header_name << "\"\n\n"
      << "namespace vigia::engine::embedded {\n\nnamespace {\n\n";
    for (std::size_t t = 0; t < tables.size(); ++t) {
        const Table& tb = tables[t];
        o << "// " << tb.path << "\n";
        o << "constexpr std::string_view h" << t << "[] = {";
        for (std::size_t k = 0; k < tb.header.size(); ++k)
            o << (k ? ", " : "") << literal(tb.header[k]);
        o << "};\n";
        for (std::size_t r = 0; r < tb.rows.size(); ++r) {
            o << "constexpr std::string_view c" << t << "_" << r << "[] = {";
            for (std::size_t k = 0; k < tb.rows[r].cells.size(); ++k)
                o << (k ? ", " : "") << literal(tb.rows[r].cells[k]);
            o << "};\n";
        }
        o << "constexpr Row r" << t << "[] = {";
        for (std::size_t r = 0; r < tb.rows.size(); ++r)
            o << (r ? ", " : "") << "{" << tb.rows[r].line << ", c" << t << "_" << r << "}";
        o << "};\n\n";
    }
    o << "constexpr Table kTables[] = {\n";
    for (std::size_t t = 0; t < tables.size(); ++t)
        o << "    {" << literal(tables[t].name) << ", " << literal(tables[t].path) << ", "
          << (tables[t].i18n ? "true" : "false") << ", h" << t << ", r" << t << "},\n";
    o << "};\n\n} // namespace\n\n"
      << "std::span<const Table> tables() noexcept {\n    return kTables;\n}\n\n"
      << "} // namespace vigia::engine::embedded\n";
    return o.str();
}

bool write_file(const fs::path& path, const std::string& text) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    std::ofstream out{path, std::ios::binary};
    out << text;
    out.close();
    if (!out) std::fprintf(stderr, "vigia_embed_tables: cannot write %s\n", path.c_str());
    return static_cast<bool>(out);
}

int usage() {
    std::fprintf(stderr, "usage: vigia_embed_tables --root DIR --header OUT.hpp --source OUT.cpp "
                         "[--i18n FILE]... [--styles FILE]...\n");
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    fs::path root = ".", header, src;
    std::vector<std::pair<std::string, bool>> inputs; // path, i18n
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc) return usage();
        const std::string v = argv[++i];
        if (a == "--root")
            root = v;
        else if (a == "--header")
            header = v;
        else if (a == "--source")
            src = v;
        else if (a == "--i18n" || a == "--styles")
            inputs.emplace_back(v, a == "--i18n");
        else
            return usage();
    }
    if (header.empty() || src.empty() || inputs.empty()) return usage();
    // Never leave the output of a former run in place when this one fails.
    std::error_code ec;
    fs::remove(src, ec);
    fs::remove(header, ec);

    Errors errors;
    std::vector<Table> tables;
    std::set<std::string> names;
    for (const auto& [path, i18n] : inputs) {
        Table t;
        t.path = path;
        t.name = fs::path{path}.stem().string();
        t.i18n = i18n;
        if (!names.insert(t.name).second) {
            errors.add(path, 0, "a second table named '" + t.name + "'");
            continue;
        }
        std::ifstream in{root / path, std::ios::binary};
        if (!in) {
            errors.add(path, 0, "cannot read " + (root / path).string());
            continue;
        }
        std::stringstream buf;
        buf << in.rdbuf();
        const std::string text = buf.str();
        if (const std::size_t bad = invalid_utf8(text); bad != std::string::npos) {
            errors.add(path, line_at(text, bad), "not UTF-8 (save the file as UTF-8)");
            continue;
        }
        std::vector<Record> records = parse_csv(text, path, errors);
        if (records.empty()) {
            errors.add(path, 0, "no header row");
            continue;
        }
        t.header = std::move(records.front().cells);
        t.rows.assign(std::make_move_iterator(records.begin() + 1),
                      std::make_move_iterator(records.end()));
        tables.push_back(std::move(t));
    }
    std::map<std::string, std::string> keys;
    for (Table& t : tables)
        if (t.i18n) check_i18n(t, keys, errors);
    check_styles(tables, errors);

    if (!errors.empty()) {
        errors.print();
        std::fprintf(
            stderr, "vigia_embed_tables: %zu error%s in the data tables; fix %s and build again\n",
            errors.size(), errors.size() == 1 ? "" : "s", errors.size() == 1 ? "it" : "them");
        return 1;
    }
    const bool ok =
        write_file(header, kHeader) && write_file(src, source(tables, header.filename().string()));
    return ok ? 0 : 1;
}
