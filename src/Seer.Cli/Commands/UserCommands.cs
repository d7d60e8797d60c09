using System.CommandLine;
using Microsoft.Extensions.Options;
using Seer.Core.Errors;
using Seer.Hosting;
using Seer.Hosting.Accounts;
using Seer.Hosting.Storage;

namespace Seer.Cli.Commands;

/// <summary><c>seer user add NAME --role admin|member --password-stdin</c> and <c>seer user list</c>.</summary>
public sealed class UserCommands : ICommandFactory
{
    public Command Create()
    {
        var user = new Command("user", "Server accounts");
        var add = new Command("add", "Create a user; the password is read from stdin (one line)");
        var name = new Argument<string>("name") { Description = "User name" };
        var role = new Option<string>("--role") { Description = "admin, member or labeller (labellers only see their labelling tasks)", DefaultValueFactory = _ => "member" };
        var stdin = new Option<bool>("--password-stdin") { Description = "Read the password from stdin (required: never on the command line)" };
        add.Arguments.Add(name);
        add.Options.Add(role);
        add.Options.Add(stdin);
        CommandRunner.SetAction(add, (parse, ct) =>
        {
            if (!parse.GetValue(stdin))
                throw new SeerException(ErrorCodes.InvalidOptions, "give the password on stdin with --password-stdin (e.g. echo \"$PW\" | seer user add NAME --password-stdin)");
            string password = (Console.In.ReadLine() ?? "").TrimEnd('\r', '\n');
            var accounts = Accounts(parse);
            var created = accounts.AddUser(parse.GetValue(name)!, AccountStore.ParseRole(parse.GetValue(role)!), password);
            if (parse.GetValue(GlobalOptions.Json)) Output.Json(new Dictionary<string, object> { ["name"] = created.Name, ["role"] = created.RoleName });
            else Console.WriteLine($"created {created.RoleName} '{created.Name}'");
            return Task.FromResult(0);
        });
        var list = new Command("list", "List users");
        CommandRunner.SetAction(list, (parse, ct) =>
        {
            var users = Accounts(parse).ListUsers();
            if (parse.GetValue(GlobalOptions.Json))
                Output.Json(users.Select(u => new Dictionary<string, object> { ["name"] = u.Name, ["role"] = u.RoleName, ["created_at"] = u.CreatedAt }));
            else
                foreach (var u in users) Console.WriteLine($"{u.Name}\t{u.RoleName}\t{u.CreatedAt:u}");
            return Task.FromResult(0);
        });
        user.Subcommands.Add(add);
        user.Subcommands.Add(list);
        return user;
    }

    internal static AccountStore Accounts(ParseResult parse)
    {
        var options = Options.Create(new HostingOptions { Home = GlobalOptions.ResolveHome(parse) });
        return new AccountStore(HostingDatabase.Open(options.Value.Home, options.Value.Database), options);
    }
}
