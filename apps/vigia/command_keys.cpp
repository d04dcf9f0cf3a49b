#include "apps/vigia/commands.hpp"
#include "engine/manifest_keys.hpp"

#include <cstdio>

namespace vigia::app {

namespace {

/// `vigia keys`: every manifest key, table by table, as the README's reference shows them.
class KeysCommand final : public Command {
public:
    CLI::App* setup(CLI::App& app) override {
        return app.add_subcommand("keys", "Print every manifest key: type, range, default, help "
                                          "(markdown)");
    }
    int run() override {
        std::fputs(engine::manifest_keys_markdown().c_str(), stdout);
        return 0;
    }
};

} // namespace

std::unique_ptr<Command> make_keys_command() {
    return std::make_unique<KeysCommand>();
}

} // namespace vigia::app
