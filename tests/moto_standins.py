"""Stand-ins for the two resource types of template.yaml whose CloudFormation support moto
lacks but whose values other resources and outputs need (tests/unit/test_deploy_rehearsal.py).

Each creates what CloudFormation would, in moto's own service, and answers Ref and GetAtt
as CloudFormation does: the token key's secret (GenerateSecretString) in Secrets Manager,
the sender's domain in SES with its three DKIM tokens. Without them moto leaves every
policy naming the secret without a resource and the DNS outputs without values, and
refuses the stack. The rehearsal lists them, and every type moto skips, by name.
"""

import secrets
from typing import Any

import boto3
from moto.cloudformation import parsing
from moto.core.common_models import CloudFormationModel


class SecretStandIn(CloudFormationModel):
    __module__ = "moto.secretsmanager.models"  # moto files its models by service

    def __init__(self, arn: str) -> None:
        self.arn = arn

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SecretsManager::Secret"

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str,
        **kwargs: Any,
    ) -> "SecretStandIn":  # fmt: skip
        generate = cloudformation_json.get("Properties", {}).get("GenerateSecretString", {})
        length = int(generate.get("PasswordLength", 32))
        value = secrets.token_hex(length)[:length]
        client = boto3.client("secretsmanager", region_name=region_name)
        return cls(client.create_secret(Name=resource_name, SecretString=value)["ARN"])


class EmailIdentityStandIn(CloudFormationModel):
    __module__ = "moto.ses.models"

    def __init__(self, domain: str, tokens: list[str]) -> None:
        self.domain = domain
        self.tokens = tokens

    @staticmethod
    def cloudformation_name_type() -> str:
        return "EmailIdentity"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SES::EmailIdentity"

    @property
    def physical_resource_id(self) -> str:
        return self.domain

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr.startswith(("DkimDNSTokenName", "DkimDNSTokenValue"))

    def get_cfn_attribute(self, attribute_name: str) -> str:
        token = self.tokens[int(attribute_name[-1]) - 1]
        if attribute_name.startswith("DkimDNSTokenName"):
            return f"{token}._domainkey.{self.domain}"
        return f"{token}.dkim.amazonses.com"

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str,
        **kwargs: Any,
    ) -> "EmailIdentityStandIn":  # fmt: skip
        domain = cloudformation_json["Properties"]["EmailIdentity"]
        ses = boto3.client("ses", region_name=region_name)
        ses.verify_domain_identity(Domain=domain)
        return cls(domain, ses.verify_domain_dkim(Domain=domain)["DkimTokens"])


STAND_INS = {model.cloudformation_type() for model in (SecretStandIn, EmailIdentityStandIn)}
# moto reads its models from CloudFormationModel's subclasses once and caches the list.
parsing.get_model_list.cache_clear()
parsing.get_model_map.cache_clear()
parsing.get_name_type_map.cache_clear()
