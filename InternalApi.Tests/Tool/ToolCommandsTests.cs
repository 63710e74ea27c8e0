namespace InternalApi.Tests.Tool;

/// <summary>
/// The tool's command line without storage: usage errors exit 2 with the verb's usage line, configuration tokens
/// (<c>--Section:Key=value</c>) are never taken for a verb's arguments, and <c>token</c> signs with the configured secret.
/// </summary>
public sealed class ToolCommandsTests
{
    private const string ShellSecret = "--Shell:Secret=0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData(new[] { "queues" }, "usage: queues list")]
    [InlineData(new[] { "queues", "nonsense", "x" }, "usage: queues list")]
    [InlineData(new[] { "import" }, "usage: import <file.json>")]
    [InlineData(new[] { "import", "a.json", "b.json" }, "usage: import <file.json>")]
    [InlineData(new[] { "usage-metrics", "--from", "2024/01/01" }, "usage: usage-metrics")]
    [InlineData(new[] { "usage-metrics", "--from", "2024-01-02", "--to", "2024-01-01" }, "usage: usage-metrics")]
    [InlineData(new[] { "audit-events", "--limit", "5" }, "usage: audit-events")]
    [InlineData(new[] { "audit-events", "--project", "x", "--limit", "-1" }, "usage: audit-events")]
    [InlineData(new[] { "token", "gitaly", ShellSecret }, "usage: token shell|kas|pages|workhorse")]
    [InlineData(new[] { "generate" }, "usage: generate --entities N")]
    [InlineData(new[] { "generate", "--entities", "5", "--out", "/tmp/never-written.json" }, "usage: generate --entities N")]
    [InlineData(new[] { "bogus" }, "usage: token|import|generate|queues|usage-metrics|audit-events")]
    public async Task Usage_Errors_Exit_2_With_The_Verbs_Usage(string[] args, string usage)
    {
        using var error = new StringWriter();
        Assert.Equal(2, await ToolCommands.RunAsync(args, TextWriter.Null, error));
        Assert.Contains(usage, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Configuration_Token_Is_Not_Taken_For_The_File()
    {
        // Before the file: still the file is the file (here a missing one, which says so), not the setting.
        using var error = new StringWriter();
        Assert.Equal(2, await ToolCommands.RunAsync(["import", "--AzureWebJobsStorage=UseDevelopmentStorage=true", "/no/such/file.json"], TextWriter.Null, error));
        Assert.Contains("import: cannot read /no/such/file.json", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_Signs_A_Shell_Jwt_With_The_Configured_Secret()
    {
        using var output = new StringWriter();
        Assert.Equal(0, await ToolCommands.RunAsync(["token", "shell", ShellSecret], output, TextWriter.Null));
        var jwt = output.ToString().Trim();
        Assert.Equal(3, jwt.Split('.').Length);

        // Without a KAS secret (its file is not there): 2 and why.
        using var error = new StringWriter();
        Assert.Equal(2, await ToolCommands.RunAsync(["token", "kas", ShellSecret, "--Kas:SecretFile=/no/such/kas_secret"], TextWriter.Null, error));
        Assert.Contains("No KAS secret configured", error.ToString(), StringComparison.Ordinal);
    }
}
