using Appointments.Tests.DaprSidecar;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Appointments.BuildingBlocks.Tests;

/// <summary>
/// A test of the state store contract. It runs like a <see cref="FactAttribute"/>, except in a suite marked
/// <see cref="AgainstRealDaprdAttribute"/> while no real daprd is named: then it is skipped, and says why.
/// </summary>
[XunitTestCaseDiscoverer("Appointments.BuildingBlocks.Tests.ContractFactDiscoverer", "Appointments.BuildingBlocks.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractFactAttribute : FactAttribute;

/// <summary>The suite runs against the real daprd of <see cref="RealDaprd.FromEnvironment"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class AgainstRealDaprdAttribute : Attribute;

public sealed class ContractFactDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var display = discoveryOptions.MethodDisplayOrDefault();
        var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        var skip = testMethod.TestClass.Class.GetCustomAttributes(typeof(AgainstRealDaprdAttribute)).Any() ? RealDaprd.SkipReason : null;
        return
        [
            skip is null
                ? new XunitTestCase(diagnostics, display, displayOptions, testMethod)
                : new SkippedTestCase(skip, diagnostics, display, displayOptions, testMethod),
        ];
    }
}

/// <summary>A test case skipped for a reason found at discovery, kept when the runner serializes it.</summary>
public sealed class SkippedTestCase : XunitTestCase
{
    private string _reason = "";

    [Obsolete("For deserialization only.", error: true)]
    public SkippedTestCase()
    {
    }

    public SkippedTestCase(string reason, IMessageSink diagnostics, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod testMethod)
        : base(diagnostics, display, displayOptions, testMethod) => _reason = reason;

    public override void Serialize(IXunitSerializationInfo data)
    {
        base.Serialize(data);
        data.AddValue("SkipReason", _reason);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        _reason = data.GetValue<string>("SkipReason");
        base.Deserialize(data);
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) => _reason;
}
