using System.CommandLine;

namespace Seer.Cli.Commands;

/// <summary><c>seer token create --user NAME</c>: prints a new bearer token for scripts (shown once, stored hashed).</summary>
public sealed class TokenCommands : ICommandFactory
{
    public Command Create()
    {
        var token = new Command("token", "API tokens for scripts (Authorization: Bearer TOKEN)");
        var create = new Command("create", "Create a token for a user and print it");
        var user = new Option<string>("--user") { Description = "The user the token acts as", Required = true };
        create.Options.Add(user);
        CommandRunner.SetAction(create, (parse, ct) =>
        {
            string name = parse.GetValue(user)!;
            string value = UserCommands.Accounts(parse).CreateToken(name);
            if (parse.GetValue(GlobalOptions.Json)) Output.Json(new Dictionary<string, string> { ["user"] = name, ["token"] = value });
            else Console.WriteLine(value);
            return Task.FromResult(0);
        });
        token.Subcommands.Add(create);
        return token;
    }
}
