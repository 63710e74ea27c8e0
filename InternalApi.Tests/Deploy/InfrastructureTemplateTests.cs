using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using InternalApi.Core.Auth;
using InternalApi.Functions.Hosting;

namespace InternalApi.Tests.Deploy;

/// <summary>
/// infra/main.bicep compiles and lints clean with the packaged Bicep CLI, and the compiled template deploys
/// what the app needs and nothing looser: .NET 10 isolated on Flex Consumption, storage and secrets by
/// identity only, least-privilege roles for the app's identity, HTTPS with TLS 1.2, no secret in an output.
/// </summary>
[Collection(BicepCollection.Name)]
public sealed partial class InfrastructureTemplateTests(BicepFixture fixture)
{
    private const string IdentityType = "Microsoft.ManagedIdentity/userAssignedIdentities";

    // Built-in role definitions by GUID: what the identity must hold, and on what kind of resource.
    private static readonly Dictionary<string, (string Role, string ScopeType)> IdentityRoles = new()
    {
        // Also all GitLab Pages needs: its zips' read and write, and generateUserDelegationKey for their SAS URLs.
        ["b7e6dc6d-f1e8-4753-8033-0f276bb0955b"] = ("Storage Blob Data Owner", "Microsoft.Storage/storageAccounts"),
        ["974c5e8b-45b9-4653-ba55-5f855dd0fb88"] = ("Storage Queue Data Contributor", "Microsoft.Storage/storageAccounts"),
        ["0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"] = ("Storage Table Data Contributor", "Microsoft.Storage/storageAccounts"),
        ["4633458b-17de-408a-b874-0445c86b69e6"] = ("Key Vault Secrets User", "Microsoft.KeyVault/vaults"),
        ["3913510d-42f4-4e42-8a64-420c390055eb"] = ("Monitoring Metrics Publisher", "Microsoft.Insights/components"),
    };

    private const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";

    private ArmTemplate Template => fixture.Template;

    private TemplateResource Site => Template.Only("Microsoft.Web/sites");

    [Fact]
    public void Bicep_Build_And_Lint_Report_No_Finding()
    {
        // bicepconfig.json makes every rule an error; compiler warnings (BCP...) have no level, so the
        // output itself must be empty too.
        Assert.True(fixture.Lint.ExitCode == 0, fixture.Lint.Output);
        Assert.True(fixture.Lint.Output.Length == 0, fixture.Lint.Output);
        Assert.True(fixture.Build.StandardError.Trim().Length == 0, fixture.Build.StandardError);
    }

    [Fact]
    public void Function_App_Runs_Dotnet_Isolated_10_On_Flex_Consumption_From_A_Blob_Container_Read_By_The_Identity()
    {
        var plan = Template.Only("Microsoft.Web/serverfarms");
        Assert.Equal("FC1", plan.Node["sku"]?["name"]?.GetValue<string>());
        Assert.Equal("FlexConsumption", plan.Node["sku"]?["tier"]?.GetValue<string>());
        Assert.True(plan.Properties["reserved"]?.GetValue<bool>(), "Flex Consumption is Linux only");

        Assert.Equal("functionapp,linux", Site.Node["kind"]?.GetValue<string>());
        Assert.Equal($"[resourceId('Microsoft.Web/serverfarms', {Body(plan.Node["name"])})]", Site.Properties["serverFarmId"]?.GetValue<string>());
        var config = Site.Properties["functionAppConfig"]!;
        Assert.Equal("dotnet-isolated", config["runtime"]?["name"]?.GetValue<string>());
        Assert.Equal("10.0", config["runtime"]?["version"]?.GetValue<string>());
        Assert.NotNull(config["scaleAndConcurrency"]?["maximumInstanceCount"]);
        Assert.NotNull(config["scaleAndConcurrency"]?["instanceMemoryMB"]);

        var storage = config["deployment"]?["storage"]!;
        Assert.Equal("blobContainer", storage["type"]?.GetValue<string>());
        Assert.Equal("UserAssignedIdentity", storage["authentication"]?["type"]?.GetValue<string>());
        Assert.Equal(IdentityId(), Site.Resolve(storage["authentication"]?["userAssignedIdentityResourceId"]));
        Assert.Contains("outputs.deploymentContainerUrl.value", Site.Resolve(storage["value"]), StringComparison.Ordinal);
        Assert.Equal(IdentityId(), Site.Resolve(Site.Properties["keyVaultReferenceIdentity"]));
        Assert.Equal("UserAssigned", Site.Node["identity"]?["type"]?.GetValue<string>());
        var assigned = ArmTemplate.Call(Assert.Single(Site.Node["identity"]!["userAssignedIdentities"]!.AsObject()).Key);
        Assert.True(assigned is { Function: "format" }, "the site runs as the template's one identity");
        Assert.Equal(IdentityId(), Site.Resolve(assigned!.Value.Arguments[1]));

        // Flex takes the runtime from functionAppConfig and refuses these as settings; a plain
        // AzureWebJobsStorage would be a connection string.
        var settings = AppSettings();
        foreach (var refused in (string[])["FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", StorageConnection.Name])
        {
            Assert.False(settings.ContainsKey(refused), refused);
        }
    }

    [Fact]
    public void Storage_Settings_Are_Identity_Based_Under_The_Names_The_App_Reads()
    {
        var settings = AppSettings();
        var prefix = StorageConnection.Name + "__";
        Assert.Equal("managedidentity", settings[prefix + "credential"]);
        Assert.Equal(IdentityProperty("clientId"), settings[prefix + "clientId"]);
        Assert.Equal(IdentityProperty("clientId"), settings["AZURE_CLIENT_ID"]);
        foreach (var service in (string[])["blob", "queue", "table"])
        {
            Assert.Contains($"outputs.{service}Endpoint.value", settings[$"{prefix}{service}ServiceUri"], StringComparison.Ordinal);
        }

        var storage = Template.Only("Microsoft.Storage/storageAccounts");
        foreach (var output in (string[])["blobEndpoint", "queueEndpoint", "tableEndpoint"])
        {
            var value = storage.Scope.Outputs.Single(o => o.Key == output).Value?["value"]?.GetValue<string>();
            Assert.Matches(@"^\[reference\(.*\)\.primaryEndpoints\.(blob|queue|table)\]$", value);
        }

        // No key, SAS or connection string anywhere: not in a setting, an output or a list*() call.
        foreach (var forbidden in (string[])["AccountKey", "listKeys(", "listAccountSas(", "listServiceSas(", "SharedAccessSignature", "DefaultEndpointsProtocol", "primaryKey"])
        {
            Assert.DoesNotContain(forbidden, fixture.TemplateText, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Storage_Account_Refuses_Shared_Keys_Plain_Http_Old_Tls_And_Anonymous_Blobs()
    {
        var account = Template.Only("Microsoft.Storage/storageAccounts").Properties;
        Assert.False(account["allowSharedKeyAccess"]?.GetValue<bool>());
        Assert.True(account["defaultToOAuthAuthentication"]?.GetValue<bool>());
        Assert.True(account["supportsHttpsTrafficOnly"]?.GetValue<bool>());
        Assert.Equal("TLS1_2", account["minimumTlsVersion"]?.GetValue<string>());
        Assert.False(account["allowBlobPublicAccess"]?.GetValue<bool>());
        var containers = Template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers").ToList();
        Assert.Equal(3, containers.Count); // the deployment package, the Pages deployments and the LFS objects
        Assert.All(containers, c => Assert.Equal("None", c.Properties["publicAccess"]?.GetValue<string>()));
    }

    [Fact]
    public void Pages_Deployments_Have_A_Private_Container_The_App_Is_Told()
    {
        var container = Template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers")
            .Single(c => c.Resolve(ArmTemplate.Call(c.Node["name"]?.GetValue<string>())!.Value.Arguments[^1]) == "pages-deployments");
        Assert.Equal("None", container.Properties["publicAccess"]?.GetValue<string>());

        var setting = Site.Properties["siteConfig"]!["appSettings"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == "Pages__Container")!;
        Assert.Equal("pages-deployments", Site.Resolve(setting["value"]));
        Assert.Equal(new global::InternalApi.Core.Pages.PagesOptions().Container, Site.Resolve(setting["value"]));
    }

    [Fact]
    public void Site_Is_Https_Only_With_Tls_1_2_And_No_Ftp_Or_Publishing_Passwords()
    {
        Assert.True(Site.Properties["httpsOnly"]?.GetValue<bool>());
        var siteConfig = Site.Properties["siteConfig"]!;
        Assert.Equal("1.2", siteConfig["minTlsVersion"]?.GetValue<string>());
        Assert.Equal("1.2", siteConfig["scmMinTlsVersion"]?.GetValue<string>());
        Assert.Equal("Disabled", siteConfig["ftpsState"]?.GetValue<string>());
        var policies = Template.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();
        Assert.Equal(["ftp", "scm"], policies.Select(p => ArmTemplate.ResolveString(p.Scope, ArmTemplate.Call(p.Node["name"]?.GetValue<string>())!.Value.Arguments[^1])).Order());
        Assert.All(policies, p => Assert.False(p.Properties["allow"]?.GetValue<bool>()));
    }

    [Fact]
    public void Identity_Holds_Exactly_The_Least_Privilege_Roles_Each_On_Its_Own_Resource()
    {
        var identityPrincipal = IdentityProperty("principalId");
        var granted = new Dictionary<string, (string Type, string? Name)>();
        foreach (var assignment in Template.OfType("Microsoft.Authorization/roleAssignments"))
        {
            var role = RoleGuid(assignment);
            var principal = assignment.Resolve(assignment.Properties["principalId"]);
            if (principal != identityPrincipal)
            {
                // The only other assignment: an optional person who writes the secrets.
                Assert.Equal(KeyVaultSecretsOfficer, role);
                Assert.Equal("[parameters('vaultOfficerPrincipalId')]", principal);
                Assert.NotNull(assignment.Node["condition"]);
                continue;
            }

            Assert.True(IdentityRoles.ContainsKey(role), $"the identity must not hold role {role}");
            Assert.Equal("ServicePrincipal", assignment.Properties["principalType"]?.GetValue<string>());
            Assert.True(granted.TryAdd(role, ScopeOf(assignment)), $"role {role} assigned twice");
            Assert.Null(assignment.Node["condition"]);
        }

        Assert.Equal(IdentityRoles.Keys.Order(), granted.Keys.Order());
        foreach (var (role, (name, scopeType)) in IdentityRoles)
        {
            var target = Template.Only(scopeType);
            Assert.True(granted[role] == (scopeType, target.Resolve(target.Node["name"])), $"{name} must be scoped to the template's {scopeType}, not {granted[role]}");
        }
    }

    [Fact]
    public void Shell_And_Kas_Secrets_Are_Key_Vault_References_To_The_Rbac_Vault()
    {
        var vault = Template.Only("Microsoft.KeyVault/vaults");
        Assert.True(vault.Properties["enableRbacAuthorization"]?.GetValue<bool>());
        Assert.True(vault.Properties["enablePurgeProtection"]?.GetValue<bool>());
        var vaultUri = vault.Scope.Outputs.Single(o => o.Key == "vaultUri").Value?["value"]?.GetValue<string>();
        Assert.Matches(@"^\[reference\(.*\)\.vaultUri\]$", vaultUri);
        var secretNames = Template.OfType("Microsoft.KeyVault/vaults/secrets")
            .Select(s => s.Resolve(ArmTemplate.Call(s.Node["name"]?.GetValue<string>())!.Value.Arguments[^1]))
            .ToHashSet();

        var site = Site;
        foreach (var setting in (string[])[$"{ShellAuthOptions.SectionName}__{nameof(ShellAuthOptions.Secret)}", $"{KasAuthOptions.SectionName}__{nameof(KasAuthOptions.Secret)}", "Pages__Secret", "Workhorse__Secret"])
        {
            var value = site.Properties["siteConfig"]!["appSettings"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == setting)!["value"]!.GetValue<string>();
            var call = ArmTemplate.Call(value);
            Assert.True(call is { Function: "format" }, $"{setting}: {value}");
            var arguments = call!.Value.Arguments;
            Assert.Equal("@Microsoft.KeyVault(SecretUri={0}secrets/{1}/)", arguments[0].GetValue<string>());
            Assert.Contains("'keyVault'", site.Resolve(arguments[1]), StringComparison.Ordinal);
            Assert.EndsWith(".outputs.vaultUri.value]", site.Resolve(arguments[1]), StringComparison.Ordinal);
            var secret = site.Resolve(arguments[2]);
            Assert.Matches("^[0-9a-zA-Z-]+$", secret);
            Assert.Contains(secret, secretNames);
        }

        // The values come from secure parameters only, written when given; none has a value by default.
        foreach (var name in (string[])["shellSecret", "kasSecret", "pagesSecret", "workhorseSecret"])
        {
            var declaration = Template.Main.ParameterDeclarations.Single(p => p.Key == name).Value!;
            Assert.Equal("securestring", declaration["type"]?.GetValue<string>(), StringComparer.OrdinalIgnoreCase);
            Assert.Equal("", declaration["defaultValue"]?.GetValue<string>());
        }
    }

    [Fact]
    public void Application_Insights_Takes_Entra_Tokens_Only_And_The_App_Sends_Them()
    {
        var insights = Template.Only("Microsoft.Insights/components");
        Assert.True(insights.Properties["DisableLocalAuth"]?.GetValue<bool>());
        Assert.NotNull(insights.Properties["WorkspaceResourceId"]);
        var settings = AppSettings();
        Assert.Equal("[reference('appInsights').ConnectionString]", settings["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
        var authentication = ArmTemplate.Call(settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"])!.Value;
        Assert.Equal("ClientId={0};Authorization=AAD", authentication.Arguments[0].GetValue<string>());
        Assert.Equal(IdentityProperty("clientId"), Site.Resolve(authentication.Arguments[1]));
    }

    [Fact]
    public void Outputs_Hold_Names_And_The_Base_Url_But_No_Secret()
    {
        foreach (var scope in Template.Scopes)
        {
            var secureParameters = scope.ParameterDeclarations
                .Where(p => p.Value?["type"]?.GetValue<string>().StartsWith("secure", StringComparison.OrdinalIgnoreCase) == true)
                .Select(p => $"parameters('{p.Key}')")
                .ToList();
            foreach (var (name, output) in scope.Outputs)
            {
                var type = output?["type"]?.GetValue<string>() ?? "";
                var value = output?["value"]?.ToJsonString() ?? "";
                Assert.False(type.StartsWith("secure", StringComparison.OrdinalIgnoreCase), $"{scope.Name ?? "main"}.{name} is {type}");
                Assert.DoesNotMatch("(?i)secret|password|connectionstring", name);
                Assert.DoesNotMatch(@"(?i)\blist[A-Za-z]*\(|ConnectionString|instrumentationKey", value);
                Assert.All(secureParameters, p => Assert.DoesNotContain(p, value, StringComparison.Ordinal));
            }
        }

        var url = Template.Main.Outputs.Single(o => o.Key == "AZURE_FUNCTION_APP_URL").Value?["value"]?.GetValue<string>();
        Assert.StartsWith("[format('https://{0}', ", url, StringComparison.Ordinal);
        Assert.EndsWith(".outputs.defaultHostName.value)]", url, StringComparison.Ordinal);
    }

    [Fact]
    public void Azd_Parameters_Supply_Every_Required_Parameter_From_The_Environment_And_Azure_Yaml_Deploys_The_Functions_Project()
    {
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(fixture.RepoRoot, "infra", "main.parameters.json")))!["parameters"]!.AsObject();
        var declared = Template.Main.ParameterDeclarations.ToDictionary(p => p.Key, p => p.Value!);
        foreach (var (name, value) in file)
        {
            Assert.True(declared.ContainsKey(name), $"main.parameters.json sets {name}, which main.bicep does not declare");
            Assert.Matches(@"^\$\{[A-Z_]+\}$", value?["value"]?.GetValue<string>());
        }

        Assert.Empty(declared.Where(p => p.Value["defaultValue"] is null && !file.ContainsKey(p.Key)).Select(p => p.Key));
        Assert.Equal("${AZURE_ENV_NAME}", file["environmentName"]?["value"]?.GetValue<string>());
        Assert.Equal("${AZURE_LOCATION}", file["location"]?["value"]?.GetValue<string>());

        // azure.yaml: the one service, named like the site's azd-service-name tag, built from the Functions project.
        var yaml = File.ReadAllText(Path.Combine(fixture.RepoRoot, "azure.yaml"));
        var service = ServicePattern().Match(yaml);
        Assert.True(service.Success, yaml);
        Assert.Equal("api", service.Groups["name"].Value);
        Assert.Contains($"createObject('azd-service-name', '{service.Groups["name"].Value}')", Site.Node["tags"]?.GetValue<string>(), StringComparison.Ordinal);
        var body = service.Groups["body"].Value;
        Assert.Matches(@"(?m)^\s+language: dotnet\s*$", body);
        Assert.Matches(@"(?m)^\s+host: function\s*$", body);
        var project = Regex.Match(body, @"(?m)^\s+project: (?<path>\S+)\s*$").Groups["path"].Value;
        Assert.True(File.Exists(Path.Combine(fixture.RepoRoot, project, "InternalApi.Functions.csproj")), project);
        Assert.Matches(@"(?m)^\s+path: infra\s*$", yaml);
        Assert.Matches(@"(?m)^\s+module: main\s*$", yaml);
    }

    private Dictionary<string, string?> AppSettings() =>
        Site.Properties["siteConfig"]!["appSettings"]!.AsArray()
            .ToDictionary(s => s!["name"]!.GetValue<string>(), s => Site.Resolve(s!["value"]));

    private TemplateResource Identity => Template.Only(IdentityType);

    /// <summary>How the template names the identity's resource id (identity.id in Bicep).</summary>
    private string IdentityId() => $"[resourceId('{IdentityType}', {Body(Identity.Node["name"])})]";

    /// <summary>How the template reads a runtime property of the identity (identity.properties.x in Bicep).</summary>
    private string IdentityProperty(string property) =>
        $"[reference({IdentityId()[1..^1]}, '{Identity.Node["apiVersion"]!.GetValue<string>()}').{property}]";

    private static string RoleGuid(TemplateResource assignment)
    {
        var call = ArmTemplate.Call(assignment.Properties["roleDefinitionId"]?.GetValue<string>());
        Assert.True(call is { Function: "subscriptionResourceId" }, "role definitions are built-in (subscription-level) ones");
        Assert.Equal("Microsoft.Authorization/roleDefinitions", call!.Value.Arguments[0].GetValue<string>());
        var role = assignment.Resolve(call.Value.Arguments[1]);
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", role);
        return role!;
    }

    private static (string Type, string? Name) ScopeOf(TemplateResource assignment)
    {
        var call = ArmTemplate.Call(assignment.Node["scope"]?.GetValue<string>());
        Assert.True(call is { Function: "resourceId", Arguments.Count: 2 }, "each role is scoped to one resource of the template");
        return (call!.Value.Arguments[0].GetValue<string>(), assignment.Resolve(call.Value.Arguments[1]));
    }

    private static string Body(JsonNode? expression) => expression!.GetValue<string>()[1..^1];

    [GeneratedRegex(@"(?ms)^services:\s*\n\s+(?<name>[a-z0-9-]+):\s*\n(?<body>(?:\s{4,}.*\n?)+)")]
    private static partial Regex ServicePattern();
}
