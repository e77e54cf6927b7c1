/**
 * Product templates shipped with meshroom: one capability sheet per market category of the
 * security operations field (Gartner's Hype Cycle for Security Operations 2024, plus SOAR).
 * Capabilities use a compact notation: `topic`, `topic:format`, `topic@pull`, `topic:format@pull`.
 * Topics follow the field's standards: events (ECS, OCSF, syslog, CEF), alerts, threats and
 * iocs (STIX 2.1), assets, vulnerabilities, detection_rules (Sigma), and OpenC2 actions.
 */
export interface TemplateSetting {
  name: string;
  type?: "string" | "integer" | "number" | "boolean" | "array";
  default?: string | number | boolean;
  required?: boolean;
  secret?: boolean;
  description: string;
}

export interface ProductTemplate {
  name: string;
  title: string;
  description: string;
  tags: string[];
  settings: TemplateSetting[];
  produces?: string[];
  consumes?: string[];
  triggers?: string[];
  executes?: string[];
}

const URL = (what: string): TemplateSetting => ({ name: "API_URL", required: true, description: `base URL of the ${what} API` });
const KEY: TemplateSetting = { name: "API_KEY", secret: true, description: "API key or token used by meshroom's hooks" };
const VERIFY: TemplateSetting = { name: "verify_tls", type: "boolean", default: true, description: "check the server's TLS certificate" };

export const TEMPLATES: ProductTemplate[] = [
  {
    name: "adversarial_exposure_validation", title: "Adversarial exposure validation",
    description: "Continuously emulates attacker techniques against the estate and reports which controls stopped them.",
    tags: ["AEV", "BAS"], settings: [URL("validation platform"), KEY],
    produces: ["vulnerabilities:stix", "alerts:ocsf", "events:ocsf"], consumes: ["assets", "detection_rules:sigma"],
    triggers: ["scan"], executes: ["scan", "start", "stop"],
  },
  {
    name: "asca", title: "Automated security control assessment",
    description: "Checks the configuration of deployed security controls and flags drift or weak settings.",
    tags: ["ASCA"], settings: [URL("assessment"), KEY],
    produces: ["vulnerabilities", "alerts:ocsf"], consumes: ["assets", "events:ocsf@pull"], executes: ["scan"],
  },
  {
    name: "assistant", title: "Security AI assistant",
    description: "A conversational assistant that summarises alerts and answers analysts' questions over SOC data.",
    tags: ["AI", "assistant"], settings: [URL("assistant"), KEY, { name: "model", default: "default", description: "model or profile to use" }],
    produces: ["alerts"], consumes: ["alerts@pull", "events@pull", "threats:stix@pull"], triggers: ["search", "contain"], executes: ["search"],
  },
  {
    name: "caasm", title: "Cyber asset attack surface management",
    description: "Builds one inventory of assets from every tool that knows about them and finds coverage gaps.",
    tags: ["CAASM"], settings: [URL("CAASM"), KEY],
    produces: ["assets", "assets@pull", "vulnerabilities"], consumes: ["assets", "assets@pull", "vulnerabilities@pull"], triggers: ["scan"],
  },
  {
    name: "cps", title: "Cyber-physical systems security",
    description: "Monitors OT/IoT networks passively and reports assets, anomalies and vulnerabilities of industrial systems.",
    tags: ["CPS", "OT", "IoT"], settings: [URL("CPS sensor"), KEY],
    produces: ["events:cef", "events:syslog", "alerts:ocsf", "assets", "vulnerabilities"], consumes: ["iocs:stix"], executes: ["contain", "deny"],
  },
  {
    name: "csma", title: "Cybersecurity mesh architecture platform",
    description: "A hub that normalises data between security tools and brokers actions among them.",
    tags: ["CSMA"], settings: [URL("mesh hub"), KEY],
    produces: ["events:ocsf", "alerts:ocsf", "threats:stix", "assets"], consumes: ["events", "alerts", "threats:stix", "assets"],
    triggers: ["deny", "allow", "contain"], executes: ["deny", "allow", "contain", "search"],
  },
  {
    name: "dfir", title: "Digital forensics and incident response",
    description: "Collects and analyses artefacts from hosts during an investigation.",
    tags: ["DFIR"], settings: [URL("DFIR"), KEY],
    produces: ["iocs:stix", "events:ecs", "alerts"], consumes: ["alerts", "iocs:stix"], triggers: ["contain"], executes: ["download", "search", "scan"],
  },
  {
    name: "drp", title: "Digital risk protection",
    description: "Watches the open, deep and dark web for leaked credentials, brand abuse and threats to the organisation.",
    tags: ["DRP"], settings: [URL("DRP"), KEY],
    produces: ["threats:stix", "iocs:stix", "alerts", "threats:stix@pull"], consumes: ["assets"],
  },
  {
    name: "easm", title: "External attack surface management",
    description: "Discovers internet-facing assets and their exposures from the outside.",
    tags: ["EASM"], settings: [URL("EASM"), KEY],
    produces: ["assets", "vulnerabilities", "assets@pull", "vulnerabilities@pull"], consumes: ["assets"], executes: ["scan"],
  },
  {
    name: "edr", title: "Endpoint detection and response",
    description: "An agent on every host that records activity, detects threats and contains compromised machines.",
    tags: ["EDR"], settings: [URL("EDR console"), KEY, VERIFY],
    produces: ["events:ecs", "events:ecs@pull", "alerts:ocsf", "alerts@pull", "assets"], consumes: ["iocs:stix", "detection_rules:sigma"],
    executes: ["contain", "start", "stop", "restart", "download", "scan", "search", "deny"],
  },
  {
    name: "exposure_assessment", title: "Exposure assessment platform",
    description: "Scores and prioritises vulnerabilities and misconfigurations across the estate.",
    tags: ["EAP"], settings: [URL("exposure assessment"), KEY],
    produces: ["vulnerabilities", "vulnerabilities@pull"], consumes: ["assets", "vulnerabilities", "threats:stix"], triggers: ["scan"],
  },
  {
    name: "itdr", title: "Identity threat detection and response",
    description: "Detects attacks on identity systems (directories, SSO) and disables or resets compromised accounts.",
    tags: ["ITDR"], settings: [URL("ITDR"), KEY],
    produces: ["alerts:ocsf", "events:ocsf"], consumes: ["events:ocsf", "iocs:stix"], executes: ["contain", "deny", "allow"],
  },
  {
    name: "mdr", title: "Managed detection and response",
    description: "A service provider's SOC platform that receives telemetry and hands back alerts and response actions.",
    tags: ["MDR"], settings: [URL("MDR provider"), KEY],
    produces: ["alerts:ocsf", "threats:stix"], consumes: ["events", "alerts"], triggers: ["contain", "deny"],
  },
  {
    name: "monitoring", title: "Security monitoring",
    description: "Dashboards and health checks over the mesh's data feeds.",
    tags: ["monitoring"], settings: [URL("monitoring")],
    produces: ["alerts"], consumes: ["events", "events@pull", "alerts"],
  },
  {
    name: "ndr", title: "Network detection and response",
    description: "Sensors on the network that analyse traffic, detect threats and can cut connections.",
    tags: ["NDR"], settings: [URL("NDR"), KEY],
    produces: ["events:ecs", "events:syslog", "alerts:ocsf", "assets"], consumes: ["iocs:stix", "detection_rules:sigma"], executes: ["deny", "allow", "contain"],
  },
  {
    name: "pentest", title: "Automated penetration testing",
    description: "Runs attack paths against the estate on demand and reports proven exploitable weaknesses.",
    tags: ["pentest"], settings: [URL("pentest"), KEY],
    produces: ["vulnerabilities"], consumes: ["assets"], executes: ["scan", "start", "stop"],
  },
  {
    name: "security_service_edge", title: "Security service edge",
    description: "Cloud-delivered secure web gateway, CASB and zero-trust access that enforce policy on users' traffic.",
    tags: ["SSE", "SWG", "ZTNA"], settings: [URL("SSE"), KEY],
    produces: ["events:cef", "events:ocsf", "alerts"], consumes: ["iocs:stix"], executes: ["deny", "allow"],
  },
  {
    name: "siem", title: "Security information and event management",
    description: "Collects events from the estate, correlates them with detection rules and raises alerts.",
    tags: ["SIEM"], settings: [URL("SIEM"), KEY, VERIFY],
    produces: ["alerts:ocsf", "alerts@pull", "events@pull"], consumes: ["events:syslog", "events:ecs", "events:cef", "events@pull", "alerts", "iocs:stix", "detection_rules:sigma"],
    triggers: ["contain", "deny", "search"], executes: ["search"],
  },
  {
    name: "telemetry", title: "Telemetry pipeline",
    description: "Routes, filters and reshapes log streams between sources and analytics tools.",
    tags: ["telemetry", "pipeline"], settings: [{ name: "listen_port", type: "integer", default: 5514, description: "port the pipeline listens on" }],
    produces: ["events:ecs", "events:ocsf", "events:syslog"], consumes: ["events:syslog", "events:cef", "events"],
  },
  {
    name: "threat_exposure_management", title: "Continuous threat exposure management",
    description: "Runs the CTEM cycle: scopes, discovers and prioritises exposures, then tracks their remediation.",
    tags: ["CTEM"], settings: [URL("CTEM"), KEY],
    produces: ["vulnerabilities", "alerts"], consumes: ["assets", "vulnerabilities", "threats:stix"], triggers: ["scan"],
  },
  {
    name: "tip", title: "Threat intelligence platform",
    description: "Aggregates, scores and shares threat intelligence and indicators of compromise.",
    tags: ["TIP", "CTI"], settings: [URL("TIP"), KEY],
    produces: ["threats:stix", "iocs:stix", "threats:stix@pull", "iocs:stix@pull"], consumes: ["iocs:stix", "threats:stix", "alerts"], executes: ["search"],
  },
  {
    name: "waf", title: "Web application firewall",
    description: "Filters HTTP traffic in front of web applications and blocks attacks and abusive clients.",
    tags: ["WAF"], settings: [URL("WAF management"), KEY],
    produces: ["events:syslog", "events:ecs", "alerts"], consumes: ["iocs:stix"], executes: ["deny", "allow"],
  },
  {
    name: "xdr", title: "Extended detection and response",
    description: "Correlates telemetry across endpoints, network, identity and cloud, and responds across them.",
    tags: ["XDR"], settings: [URL("XDR"), KEY, VERIFY],
    produces: ["alerts:ocsf", "events:ocsf", "alerts@pull", "threats:stix"], consumes: ["events", "alerts", "iocs:stix", "detection_rules:sigma"],
    triggers: ["contain", "deny", "scan"], executes: ["contain", "deny", "allow", "search", "scan"],
  },
  {
    name: "soar", title: "Security orchestration, automation and response",
    description: "Runs playbooks that enrich alerts and drive response actions across other products.",
    tags: ["SOAR"], settings: [URL("SOAR"), KEY],
    produces: ["alerts", "iocs:stix"], consumes: ["alerts", "alerts@pull", "threats:stix"],
    triggers: ["deny", "allow", "contain", "scan", "start", "stop", "restart", "download", "search"],
  },
];

export function findTemplate(name: string): ProductTemplate | undefined {
  return TEMPLATES.find((t) => t.name === name);
}
