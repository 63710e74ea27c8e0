using InternalApi.Core.Storage;
using InternalApi.Functions.Hosting;
using Microsoft.Extensions.Configuration;

namespace InternalApi.Tests.Storage;

public sealed class StorageConnectionStringTests
{
    [Fact]
    public void Development_Storage_Points_At_Azurite_Defaults()
    {
        var account = StorageConnectionString.Parse("UseDevelopmentStorage=true");
        Assert.Equal("devstoreaccount1", account.AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), account.TableEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), account.QueueEndpoint);
        Assert.Equal(Convert.FromBase64String(StorageAccount.DevelopmentAccountKey), account.AccountKey);
    }

    [Fact]
    public void Account_Key_Form_Derives_Endpoints_From_Suffix()
    {
        var account = StorageConnectionString.Parse("DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=AAAA;EndpointSuffix=core.windows.net");
        Assert.Equal(new Uri("https://acme.table.core.windows.net"), account.TableEndpoint);
        Assert.Equal(new Uri("https://acme.queue.core.windows.net"), account.QueueEndpoint);
    }

    [Fact]
    public void Explicit_Endpoints_Win_And_Keys_Are_Case_Insensitive()
    {
        var account = StorageConnectionString.Parse("accountname=devstoreaccount1;accountkey=AAAA;tableendpoint=http://127.0.0.1:1234/devstoreaccount1/;QueueEndpoint=http://127.0.0.1:1235/devstoreaccount1");
        Assert.Equal(new Uri("http://127.0.0.1:1234/devstoreaccount1"), account.TableEndpoint);
        Assert.Equal(1235, account.QueueEndpoint.Port);
    }

    [Theory]
    [InlineData("AccountName=x")]
    [InlineData("AccountKey=AAAA")]
    [InlineData("AccountName=x;AccountKey=not*base64")]
    [InlineData("garbage")]
    public void Malformed_Connection_Strings_Are_Refused(string value) =>
        Assert.Throws<FormatException>(() => StorageConnectionString.Parse(value));

    [Fact]
    public void Identity_Settings_Use_A_Token_Credential()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage:accountName"] = "acme",
            ["AzureWebJobsStorage:clientId"] = "00000000-0000-0000-0000-000000000001",
        }).Build();
        var account = StorageAccountFactory.Create(config, new StorageOptions());
        Assert.Null(account.AccountKey);
        Assert.NotNull(account.Credential);
        Assert.Equal(new Uri("https://acme.table.core.windows.net"), account.TableEndpoint);
        Assert.Equal("acme", account.AccountName);
    }

    [Fact]
    public void WebJobs_Connection_String_Is_The_Fallback()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        }).Build();
        Assert.Equal("devstoreaccount1", StorageAccountFactory.Create(config, new StorageOptions()).AccountName);
    }

    [Fact]
    public void No_Storage_Settings_Is_A_Clear_Startup_Error()
    {
        var config = new ConfigurationBuilder().Build();
        var ex = Assert.Throws<InvalidOperationException>(() => StorageAccountFactory.Create(config, new StorageOptions()));
        Assert.Contains("AzureWebJobsStorage", ex.Message, StringComparison.Ordinal);
    }
}
