import factory
from stdnum.cn import uscc

from fugong.enterprises.models import Enterprise, EnterpriseKind

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code_for(number: int) -> str:
    digits = ""
    for _ in range(6):
        number, remainder = divmod(number, len(ALPHABET))
        digits = ALPHABET[remainder] + digits
    body = "91430600MA4" + digits
    return body + uscc.calc_check_digit(body)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    credit_code = factory.Sequence(lambda n: credit_code_for(n + 1))
    kind = EnterpriseKind.INDUSTRIAL
    usual_headcount = 100

    @factory.post_generation
    def history(obj, create, extracted, **kwargs):
        """The first history row, as ``enterprise_create`` writes it (the figures read it)."""
        if create:
            from fugong.enterprises.history import enterprise_history_record

            enterprise_history_record(obj)
