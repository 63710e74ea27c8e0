using InternalApi.Core.CustomersDot;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace InternalApi.Tests.CustomersDot;

public sealed class CustomersDotOptionsTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("https://customers.example.com/.well-known/openid-configuration", true)]
    [InlineData("http://127.0.0.1:5000/.well-known/openid-configuration", true)]
    [InlineData("http://localhost:5000/.well-known/openid-configuration", true)]
    [InlineData("http://[::1]:5000/.well-known/openid-configuration", true)]
    [InlineData("http://customers.example.com/.well-known/openid-configuration", false)]
    [InlineData("ftp://customers.example.com/x", false)]
    [InlineData("not a url", false)]
    public void Http_Is_Accepted_Only_For_Loopback(string? address, bool valid)
    {
        var result = new CustomersDotOptionsValidator().Validate(null, new CustomersDotOptions { MetadataAddress = address });
        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("CustomersDot:MetadataAddress", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_Failure_Names_Its_Setting()
    {
        var result = new CustomersDotOptionsValidator().Validate(null, new CustomersDotOptions
        {
            Audience = " ",
            KeyRefreshMinimumInterval = TimeSpan.FromSeconds(-1),
            AutomaticRefreshInterval = TimeSpan.FromMinutes(1),
        });
        Assert.False(result.Succeeded);
        Assert.Contains("CustomersDot:Audience", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("CustomersDot:KeyRefreshMinimumInterval", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("CustomersDot:AutomaticRefreshInterval", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Host_With_The_Services_Does_Not_Start_With_A_Plain_Http_Issuer_Elsewhere()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CustomersDot:MetadataAddress"] = "http://customers.example.com/.well-known/openid-configuration",
        });
        builder.Services.AddCustomersDotServices();
        using var host = builder.Build();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("CustomersDot:MetadataAddress may use http: only for a loopback address", ex.Message, StringComparison.Ordinal);
    }
}
