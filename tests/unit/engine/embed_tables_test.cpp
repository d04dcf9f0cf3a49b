// The build-time check of data/i18n and data/styles (engine/gen/embed_tables.cpp), as mutation
// tests: the generator is run on the shipped tables (accepted), then on copies with one fault
// written in, and must refuse each one naming the file, the line and the key.
#include "tests/support/test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace fs = std::filesystem;

namespace {

/// The generator, built beside vigia (CMAKE_RUNTIME_OUTPUT_DIRECTORY) before the engine.
fs::path generator() {
    return fs::path{VIGIA_BIN}.parent_path() / "vigia_embed_tables";
}

std::string slurp(const fs::path& p) {
    std::ifstream in{p, std::ios::binary};
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string{"'\\''"} : std::string{c};
    return out + "'";
}

struct Generated {
    int exit_code = -1;
    std::string err, source;
    bool wrote = false; ///< both outputs exist
};

/// Runs the generator on the tables of `root` (paths relative to it).
Generated generate(const vigia::test::TempDir& root, const std::vector<std::string>& i18n,
                   const std::vector<std::string>& styles = {}) {
    const fs::path out = root / "out";
    std::string cmd = quote(generator().string()) + " --root " + quote(root.path().string()) +
                      " --header " + quote((out / "embedded_tables.hpp").string()) + " --source " +
                      quote((out / "embedded_tables.cpp").string());
    for (const std::string& f : i18n)
        cmd += " --i18n " + quote(f);
    for (const std::string& f : styles)
        cmd += " --styles " + quote(f);
    cmd += " 2>" + quote((root / "err").string()) + " </dev/null";
    const int status = std::system(cmd.c_str());
    Generated g;
    g.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    g.err = slurp(root / "err");
    g.wrote = fs::exists(out / "embedded_tables.hpp") && fs::exists(out / "embedded_tables.cpp");
    if (g.wrote) g.source = slurp(out / "embedded_tables.cpp");
    return g;
}

const char* const kHeader = "key,en,es,pt,fr\n";
const char* const kGood = "a.one,One,Uno,Um,Un\n";

/// One faulty i18n file (a good row, then `row` on line 3): refused, with `message` in stderr
/// and nothing written.
void expect_refused(const std::string& row, const std::string& message) {
    vigia::test::TempDir d;
    fs::create_directories(d / "data");
    d.write("data/bad.csv", std::string{kHeader} + kGood + row);
    const Generated g = generate(d, {"data/bad.csv"});
    EXPECT_EQ(g.exit_code, 1) << row;
    EXPECT_NE(g.err.find(message), std::string::npos) << "row: " << row << "\nstderr: " << g.err;
    EXPECT_NE(g.err.find("fix it and build again"), std::string::npos) << g.err;
    EXPECT_FALSE(g.wrote) << row;
}

} // namespace

TEST(EmbedTables, TheShippedTablesPass) {
    vigia::test::TempDir d;
    // The generator reads the repository's files through --root.
    const fs::path src{VIGIA_SOURCE_DIR};
    std::vector<std::string> i18n, styles;
    for (const char* t : {"classes", "fields", "texts", "layers", "metrics"})
        i18n.push_back(std::string{"data/i18n/"} + t + ".csv");
    for (const char* t : {"palettes", "markers"})
        styles.push_back(std::string{"data/styles/"} + t + ".csv");
    for (const auto& f : i18n)
        d.write(f, slurp(src / f));
    for (const auto& f : styles)
        d.write(f, slurp(src / f));
    const Generated g = generate(d, i18n, styles);
    EXPECT_EQ(g.exit_code, 0) << g.err;
    EXPECT_TRUE(g.err.empty()) << g.err;
    EXPECT_TRUE(g.wrote);
    EXPECT_NE(g.source.find(R"("gi_class.3", "Hot spot, 99% confidence")"), std::string::npos);
}

TEST(EmbedTables, ARowMissingALanguageFailsNamingFileLineAndKey) {
    expect_refused("b.two,Two,Dos,Dois\n", "data/bad.csv:3: key 'b.two': 3 translations, "
                                           "expected 4 (en, es, pt, fr): no fr");
    expect_refused("b.two\n", "data/bad.csv:3: key 'b.two': 0 translations");
}

TEST(EmbedTables, AnEmptyTranslationFails) {
    expect_refused("b.two,Two,,Dois,Deux\n", "data/bad.csv:3: key 'b.two': es is empty");
    expect_refused("b.two,Two,Dos,Dois,\"  \"\n", "data/bad.csv:3: key 'b.two': fr is empty");
}

TEST(EmbedTables, PlaceholdersMustBeTheSameInEveryLanguage) {
    expect_refused("b.two,{city}: two,{city}: dos,{cty}: dois,{city} : deux\n",
                   "data/bad.csv:3: key 'b.two': placeholders differ: en has {city}, pt has "
                   "{cty}");
    expect_refused("b.two,{city}: two,dos,{city}: dois,{city} : deux\n",
                   "key 'b.two': placeholders differ: en has {city}, es has none");
    expect_refused("b.two,{} m,{} m,{} m,{} {} m\n",
                   "key 'b.two': placeholders differ: en has {}, fr has {} {}");
}

TEST(EmbedTables, AnUnmatchedBraceFails) {
    expect_refused("b.two,Two {city,Dos,Dois,Deux\n",
                   "data/bad.csv:3: key 'b.two': en: unmatched '{' at character 5");
    expect_refused("b.two,Two,Dos},Dois,Deux\n",
                   "data/bad.csv:3: key 'b.two': es: unmatched '}' at character 4");
    // Doubled braces are literal ones, as in fmt.
    vigia::test::TempDir d;
    d.write("ok.csv", std::string{kHeader} + "b.two,{{x}},{{x}},{{x}},{{x}}\n");
    EXPECT_EQ(generate(d, {"ok.csv"}).exit_code, 0);
}

TEST(EmbedTables, KeysAreUniqueAcrossTables) {
    vigia::test::TempDir d;
    d.write("one.csv", std::string{kHeader} + kGood);
    d.write("two.csv", std::string{kHeader} + "b.x,B,B,B,B\n" + kGood);
    const Generated g = generate(d, {"one.csv", "two.csv"});
    EXPECT_EQ(g.exit_code, 1);
    EXPECT_NE(g.err.find("two.csv:3: key 'a.one': duplicate key (first at one.csv:2)"),
              std::string::npos)
        << g.err;
}

TEST(EmbedTables, QuotingFollowsRfc4180) {
    vigia::test::TempDir d;
    d.write("q.csv", std::string{kHeader} +
                         "b.two,\"Two, \"\"quoted\"\"\",\"Dos, dos\",Dois,\"Deux\"\r\n\n"
                         "b.three,Three,Tres,Três,Trois");
    const Generated g = generate(d, {"q.csv"});
    ASSERT_EQ(g.exit_code, 0) << g.err;
    EXPECT_NE(g.source.find(R"({"b.two", "Two, \"quoted\"", "Dos, dos", "Dois", "Deux"})"),
              std::string::npos)
        << g.source;
    // Line numbers count the blank line: b.three is on line 4.
    EXPECT_NE(g.source.find("{4, c0_1}"), std::string::npos) << g.source;

    expect_refused("b.two,\"Two,Dos,Dois,Deux\n", "data/bad.csv:3: a quoted field is never closed");
    expect_refused("b.two,Two \"x\",Dos,Dois,Deux\n", "data/bad.csv:3: a quote inside an "
                                                      "unquoted field");
    expect_refused("b.two,Two,Dos, dois,Dois,Deux\n",
                   "key 'b.two': 5 translations, expected 4 (en, es, pt, fr) (an unquoted "
                   "comma?");
}

TEST(EmbedTables, TheHeaderAndTheEncodingAreChecked) {
    vigia::test::TempDir d;
    d.write("h.csv", std::string{"key,en,es,fr,pt\n"} + kGood);
    Generated g = generate(d, {"h.csv"});
    EXPECT_EQ(g.exit_code, 1);
    EXPECT_NE(g.err.find("h.csv:1: the header must be 'key,en,es,pt,fr'"), std::string::npos)
        << g.err;
    d.write("l1.csv", std::string{kHeader} + kGood + "b.two,Two,Dos,Dois,Deux\xE9\n");
    g = generate(d, {"l1.csv"});
    EXPECT_EQ(g.exit_code, 1);
    EXPECT_NE(g.err.find("l1.csv:3: not UTF-8"), std::string::npos) << g.err;
}

TEST(EmbedTables, StyleTablesNeedColoursShapesAndTheClassesOfTheirLabels) {
    vigia::test::TempDir d;
    d.write("classes.csv", std::string{kHeader} + "gi.1,Hot,Caliente,Quente,Chaud\n" +
                               "gi.0,None,Ninguno,Nenhum,Aucun\n");
    d.write("palettes.csv", "palette,class,colour\ngi,1,#b2182b\ngi,0,#f7f7f7\n");
    d.write("markers.csv", "marker,shape,colour,size_mm,radius_px\nfacility,circle,gi,3,3.5\n");
    EXPECT_EQ(generate(d, {"classes.csv"}, {"palettes.csv", "markers.csv"}).exit_code, 0);

    d.write("palettes.csv", "palette,class,colour\ngi,0,#f7f7f7\ngi,1,#b2182g\n");
    d.write("markers.csv", "marker,shape,colour,size_mm,radius_px\nfacility,hexagon,red,0,3.5\n"
                           "suggested,star,#000000,6\n");
    const Generated g = generate(d, {"classes.csv"}, {"palettes.csv", "markers.csv"});
    EXPECT_EQ(g.exit_code, 1);
    for (const char* m :
         {"palettes.csv:3: palette 'gi': colour '#b2182g' is not #rrggbb, #rrggbbaa or a palette "
          "name",
          "palettes.csv:2: palette 'gi' must list the classes of classes.csv in its order (1, 0), "
          "not (0, 1)",
          "markers.csv:2: marker 'facility': shape 'hexagon' is not circle, square",
          "markers.csv:2: marker 'facility': colour 'red' is not #rrggbb",
          "markers.csv:2: marker 'facility': size_mm '0' is not a positive number",
          "markers.csv:3: marker 'suggested': 4 fields, expected 5"})
        EXPECT_NE(g.err.find(m), std::string::npos) << m << "\n" << g.err;
    EXPECT_FALSE(g.wrote);
}

TEST(EmbedTables, AMutatedShippedTableStopsTheBuild) {
    // The real texts.csv with its French 'north' emptied and a placeholder dropped from the
    // Spanish facilities_fmt: both rows are named.
    const fs::path src{VIGIA_SOURCE_DIR};
    std::string texts = slurp(src / "data/i18n/texts.csv");
    auto replace = [&](const std::string& from, const std::string& to) {
        const auto at = texts.find(from);
        ASSERT_NE(at, std::string::npos) << from;
        texts.replace(at, from.size(), to);
    };
    replace("north,North,Norte,Norte,Nord", "north,North,Norte,Norte,");
    replace("Equipamientos: {}", "Equipamientos");
    auto line_of = [&](const std::string& key) {
        return 1 +
               std::count(texts.begin(),
                          texts.begin() + static_cast<long>(texts.find("\n" + key + ",")), '\n') +
               1;
    };
    vigia::test::TempDir d;
    d.write("data/i18n/texts.csv", texts);
    const Generated g = generate(d, {"data/i18n/texts.csv"});
    EXPECT_EQ(g.exit_code, 1);
    EXPECT_NE(g.err.find("data/i18n/texts.csv:" + std::to_string(line_of("north")) +
                         ": key 'north': fr is empty"),
              std::string::npos)
        << g.err;
    EXPECT_NE(g.err.find("data/i18n/texts.csv:" + std::to_string(line_of("facilities_fmt")) +
                         ": key 'facilities_fmt': placeholders differ: en has {}, es has none"),
              std::string::npos)
        << g.err;
    EXPECT_NE(g.err.find("2 errors in the data tables; fix them"), std::string::npos) << g.err;
}
