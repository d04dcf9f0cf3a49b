#include "engine/plan.hpp"

#include "analysis/error.hpp"

#include <fmt/format.h>

#include <charconv>
#include <fstream>

namespace vigia::engine {

namespace fs = std::filesystem;

std::string shell_quote(const std::string& word) {
    const bool plain =
        !word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
                                                "WXYZ0123456789_-./=:,+@%") == std::string::npos;
    if (plain) return word;
    std::string out = "'";
    for (char c : word)
        out += c == '\'' ? std::string{"'\\''"} : std::string(1, c);
    return out + "'";
}

std::vector<Task> plan_tasks(const Manifest& m, const fs::path& vigia, const fs::path& out_dir) {
    std::vector<Task> tasks;
    const std::string manifest = fs::absolute(m.path).lexically_normal().string();
    const std::string out = fs::absolute(out_dir).lexically_normal().string();
    for (std::size_t i = 0; i < m.cities.size(); ++i) {
        Task t;
        t.index = i;
        t.slug = m.cities[i].slug;
        t.name = m.cities[i].name;
        t.argv = {vigia.string(), "run", manifest, "--task", std::to_string(i), "-o", out};
        for (const std::string& w : t.argv)
            t.command += (t.command.empty() ? "" : " ") + shell_quote(w);
        tasks.push_back(std::move(t));
    }
    return tasks;
}

std::string plan_tsv(const std::vector<Task>& tasks) {
    std::string out = "index\tslug\tcommand\n";
    for (const Task& t : tasks)
        out += fmt::format("{}\t{}\t{}\n", t.index, t.slug, t.command);
    return out;
}

namespace {

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\')
            out += {'\\', static_cast<char>(c)};
        else if (c < 0x20)
            out += fmt::format("\\u{:04x}", c);
        else
            out += static_cast<char>(c);
    }
    return out + "\"";
}

} // namespace

std::string plan_json(const std::vector<Task>& tasks) {
    std::string out = "[\n";
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        const Task& t = tasks[i];
        std::string argv;
        for (const std::string& w : t.argv)
            argv += (argv.empty() ? "" : ", ") + json_string(w);
        out += fmt::format("  {{\"index\": {}, \"slug\": {}, \"city\": {}, \"command\": {}, "
                           "\"argv\": [{}]}}{}\n",
                           t.index, json_string(t.slug), json_string(t.name),
                           json_string(t.command), argv, i + 1 < tasks.size() ? "," : "");
    }
    return out + "]\n";
}

std::string plan_commands(const std::vector<Task>& tasks) {
    std::string out;
    for (const Task& t : tasks)
        out += t.command + "\n";
    return out;
}

std::vector<std::pair<std::size_t, std::string>> read_plan(const fs::path& tsv) {
    std::ifstream in{tsv};
    if (!in) throw IoError{fmt::format("{}: cannot open the plan", tsv.string())};
    std::vector<std::pair<std::size_t, std::string>> tasks;
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (n == 1) {
            if (line.rfind("index\tslug\t", 0) != 0)
                throw InputError{fmt::format("{}:1: not a plan (expected the header "
                                             "'index<TAB>slug<TAB>command')",
                                             tsv.string())};
            continue;
        }
        if (line.empty()) continue;
        const std::size_t a = line.find('\t'), b = line.find('\t', a + 1);
        std::size_t index = 0;
        const auto r = std::from_chars(line.data(), line.data() + a, index);
        if (a == std::string::npos || b == std::string::npos || r.ec != std::errc{} ||
            r.ptr != line.data() + a)
            throw InputError{fmt::format("{}:{}: not a task line: '{}'", tsv.string(), n, line)};
        tasks.emplace_back(index, line.substr(a + 1, b - a - 1));
    }
    return tasks;
}

std::size_t task_index(std::string_view spec, std::size_t tasks,
                       const std::function<const char*(const char*)>& env) {
    std::string given{spec};
    std::string source = "--task";
    long long offset = 0;
    if (spec == "env") {
        given.clear();
        for (const char* var : {"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "PARALLEL_SEQ"})
            if (const char* v = env(var); v && *v) {
                given = v;
                source = var;
                offset = std::string_view{var} == "PARALLEL_SEQ" ? -1 : 0;
                break;
            }
        if (given.empty())
            throw UsageError{"--task env: none of SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or "
                             "PARALLEL_SEQ is set"};
    }
    long long v = -1;
    const auto r = std::from_chars(given.data(), given.data() + given.size(), v);
    if (r.ec != std::errc{} || r.ptr != given.data() + given.size())
        throw UsageError{fmt::format("{} = '{}': not a task number (or \"env\")", source, given)};
    v += offset;
    if (v < 0 || static_cast<unsigned long long>(v) >= tasks)
        throw UsageError{fmt::format("{} = {}: task {} does not exist (the manifest has {} "
                                     "tasks, 0 to {})",
                                     source, given, v, tasks, tasks ? tasks - 1 : 0)};
    return static_cast<std::size_t>(v);
}

} // namespace vigia::engine
