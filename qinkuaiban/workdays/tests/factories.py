import datetime as dt

import factory
from django.utils import timezone

from qinkuaiban.workdays.models import CalendarDay, CalendarYear, DayKind, Source


class CalendarYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarYear
        django_get_or_create = ("year",)

    year = 2030
    source = Source.MANUAL
    imported_at = factory.LazyFunction(timezone.now)


class CalendarDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarDay

    year = factory.SubFactory(CalendarYearFactory, year=factory.SelfAttribute("..date.year"))
    date = dt.date(2030, 1, 1)
    kind = DayKind.HOLIDAY
    name = "元旦"
