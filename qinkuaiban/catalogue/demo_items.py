"""The demo catalogue's content: the "勤快办" guide of a fictional provincial GOA. Phone numbers
are fictional; laws are cited only where the platform's reference names them."""

from typing import Any

OFFICE_SPACE_LAW = "《党政机关办公用房管理办法》（2017年）"
VEHICLE_LAW = "《党政机关公务用车管理办法》（2017年）"
KINDERGARTEN_RULE = "《幼儿园工作规程》（教育部令第39号）"
ASSET_LAW = "《行政事业性国有资产管理条例》（国务院令第738号）"

HALL = "省行政中心集中办公区1号楼一层机关事务服务大厅"
HOURS = "工作日 上午8:30—12:00，下午14:30—17:30（法定节假日除外）"
COMPLAINT_PHONE = "0791-88009999"


def step(name: str, description: str) -> dict[str, str]:
    return {"name": name, "description": description}


def faq(question: str, answer: str) -> dict[str, str]:
    return {"question": question, "answer": answer}


def material(
    name: str, necessity: str = "required", *, original_or_copy: str = "copy",
    medium: str = "paper_or_electronic", copies: int = 1, source: str = "申请人自备",
    notes: str = "",
) -> dict[str, Any]:
    return {"name": name, "necessity": necessity, "original_or_copy": original_or_copy,
            "medium": medium, "copies": copies, "source": source, "notes": notes}


def field(name: str, label: str, type_: str, *, required: bool = True, **extra: Any) -> dict:
    return {"name": name, "label": label, "type": type_, "required": required, **extra}


APPLICANT_FIELDS = [
    field("contact_name", "联系人", "text", max_length=30),
    field("contact_phone", "联系电话", "phone"),
    field("organisation_name", "所在单位及处室", "text", max_length=80),
]

# Each entry: item identity, then the content of version 1, then its materials.
ITEMS: list[dict[str, Any]] = [
    {
        "code": "QKB-TY-001", "basic_code": "QKB-TY", "kind": "childcare",
        "category": "childcare", "org": "goa-service-centre", "sort_order": 1,
        "content": {
            "name": "省直机关幼儿园入园申请",
            "keywords": "托幼 幼儿园 入园 园位 小班 托班",
            "item_type": "public_service",
            "summary": "为省直机关在职干部职工适龄子女提供机关幼儿园学位，园位不足时公开摇号。",
            "legal_basis": [
                {"law": KINDERGARTEN_RULE, "article": "第二条",
                 "text": "幼儿园是对3周岁以上学龄前幼儿实施保育和教育的机构。"},
                {"law": KINDERGARTEN_RULE, "article": "第二章 幼儿入园和编班",
                 "text": "幼儿入园前，应当按照卫生部门制定的卫生保健制度进行健康检查，"
                         "合格者方可入园。"},
            ],
            "implementation_basis": "《省直机关幼儿园年度招生简章》",
            "service_objects": ["natural_person"],
            "conditions": "1. 父母一方为省直机关（参照管理事业单位）在编在岗干部职工；\n"
                          "2. 幼儿截至当年8月31日年满3周岁（托班年满2周岁）；\n"
                          "3. 幼儿身体健康，入园体检合格。",
            "quantity_limits": "每名幼儿每学年限申请1次；同一家庭多子女可分别申请。",
            "process_steps": [
                step("网上申请", "监护人在平台填写申请并上传材料。"),
                step("资格审核", "机关服务中心会同幼儿园核验任职和年龄条件。"),
                step("公开摇号", "报名人数超过园位时，在监督下公开电脑摇号，结果公示。"),
                step("入园报到", "录取幼儿持体检表到园报到（只跑一次）。"),
            ],
            "special_steps": [
                {"name": "录取结果公示", "limit_days": 5, "counts_toward_limit": False},
            ],
            "legal_days": 20, "promised_days": 10,
            "channels": ["online", "window"], "visits": 1, "has_appointment": True,
            "place": "省直机关幼儿园（省行政中心东侧）", "hours": HOURS,
            "consultation_phone": "0791-88001201", "complaint_phone": COMPLAINT_PHONE,
            "result_name": "入园录取通知书", "result_delivery": "平台推送电子通知，可打印",
            "faq": [
                faq("园位不够怎么办？", "报名人数超过园位时公开摇号，未录取的进入候补名单，"
                                      "有空位时按候补顺序递补。"),
                faq("需要监护人同意吗？", "需要。幼儿为不满十四周岁的未成年人，申请须由监护人提交"
                                      "并同意处理其个人信息。"),
            ],
            "form_fields": [
                field("child_name", "幼儿姓名", "text", max_length=30),
                field("child_id_number", "幼儿身份证号码", "id_number"),
                field("child_birth_date", "幼儿出生日期", "date", not_after="today"),
                field("class_type", "申请班级", "choice", choices=["托班", "小班"]),
                field("guardian_relation", "与幼儿关系", "choice",
                      choices=["父亲", "母亲", "其他监护人"]),
                *APPLICANT_FIELDS,
            ],
        },
        "materials": [
            material("居民户口簿（幼儿页）"),
            material("出生医学证明"),
            material("在职证明", original_or_copy="original", source="所在单位人事部门出具",
                     notes="注明在编在岗情况，加盖单位公章。"),
            material("儿童预防接种证", "deferrable", notes="可在入园报到时补交。"),
            material("入园体检表", "deferrable", original_or_copy="original",
                     source="指定妇幼保健机构", notes="录取后入园前完成体检。"),
        ],
    },
    {
        "code": "QKB-TC-001", "basic_code": "QKB-TC", "kind": "parking",
        "category": "transport", "org": "goa-service-centre", "sort_order": 1,
        "content": {
            "name": "集中办公区停车证办理",
            "keywords": "停车 车位 停车位 车辆通行证 车牌登记",
            "item_type": "public_service",
            "summary": "为集中办公区内各单位工作人员登记车辆、分配停车位并核发电子停车证。",
            "implementation_basis": "《集中办公区停车管理规定》",
            "service_objects": ["natural_person"],
            "conditions": "1. 在集中办公区办公的在职工作人员；\n2. 车辆登记在本人或配偶名下；\n"
                          "3. 每人限登记1辆车。车位不足时，公务用车优先，其余按需摇号。",
            "quantity_limits": "每人限1张停车证，有效期1年，期满可续办。",
            # Taken at the window (or booked by phone) until the allocation module, which
            # registers the "parking" case kind, brings online applications.
            "process_steps": [
                step("窗口申请", "到服务大厅3号窗口填写车辆登记表，出示行驶证、驾驶证；"
                                 "也可先致电咨询预约。"),
                step("审核", "机关服务中心核验车辆与人员信息。"),
                step("车位分配", "按公务用车优先、职工按需的顺序分配，不足时摇号。"),
                step("发证", "车牌录入道闸系统，窗口告知办理结果。"),
            ],
            "legal_days": 10, "promised_days": 3,
            "channels": ["window"], "visits": 1,
            "place": HALL + "3号窗口", "hours": HOURS,
            "consultation_phone": "0791-88001203", "complaint_phone": COMPLAINT_PHONE,
            "result_name": "电子停车证", "result_delivery": "窗口告知结果，车牌自动录入道闸",
            "faq": [
                faq("换车了怎么办？", "到3号窗口办理变更，出示新车行驶证，1个工作日内更新。"),
                faq("可以网上申请吗？", "网上申请暂未开通，请到3号窗口办理，或致电0791-88001203"
                                        "咨询。"),
                faq("访客车辆能停吗？", "访客车辆由接待单位提前一天预约，当日凭预约入场。"),
            ],
            "form_fields": [
                field("plate_number", "车牌号码", "text", max_length=10, help="如：赣A12345"),
                field("vehicle_type", "车辆类型", "choice",
                      choices=["小型汽车", "新能源小型汽车", "其他"]),
                field("owner_name", "车辆所有人", "text", max_length=30),
                field("parking_area", "意向停车区域", "choice",
                      choices=["1号楼地下车库", "2号楼地面停车场", "无要求"]),
                *APPLICANT_FIELDS,
            ],
        },
        "materials": [
            material("机动车行驶证", medium="electronic"),
            material("机动车驾驶证", medium="electronic"),
            material("结婚证", "optional", medium="electronic",
                     notes="车辆登记在配偶名下时提供。"),
        ],
    },
    {
        "code": "QKB-ZF-001", "basic_code": "QKB-ZF", "kind": "housing",
        "category": "housing", "org": "goa-property", "sort_order": 1,
        "content": {
            "name": "周转住房配租申请",
            "keywords": "周转房 住房 配租 租房 公寓",
            "item_type": "public_service",
            "summary": "为在本市无自有住房的新录用、调入和交流干部提供过渡性周转住房。",
            "implementation_basis": "《省直机关周转住房管理规定》",
            "service_objects": ["natural_person", "legal_person"],
            "conditions": "1. 省直机关新录用、调入或交流任职的在编干部；\n"
                          "2. 本人及配偶在本市无自有住房；\n3. 由所在单位统一推荐申请。",
            "quantity_limits": "租期一般不超过3年，期满可续租1次。",
            "process_steps": [
                step("单位推荐", "所在单位审核后在平台提交推荐申请。"),
                step("资格审核", "房地产管理处核验住房及任职情况。"),
                step("排序公示", "按职级、工龄、家庭人口、到岗时间等计分排序并公示。"),
                step("配租签约", "按排序配租，申请人到现场签订租赁合同并领取钥匙。"),
            ],
            "special_steps": [
                {"name": "排序结果公示", "limit_days": 5, "counts_toward_limit": False},
            ],
            "legal_days": 20, "promised_days": 15,
            "channels": ["online", "window"], "visits": 1, "has_appointment": True,
            "place": HALL + "5号窗口", "hours": HOURS,
            "consultation_phone": "0791-88001301", "complaint_phone": COMPLAINT_PHONE,
            "is_charged": True, "fee_basis": "省直机关周转住房租金标准",
            "fee_standard": "按房屋面积和局核定的租金标准按月缴纳，逾期不腾退的按规定计收"
                            "惩罚性租金。",
            "result_name": "周转住房租赁合同", "result_delivery": "现场签订",
            "faq": [
                faq("购买住房后还能继续住吗？", "不能。在本市购买住房后应在3个月内腾退。"),
            ],
            "form_fields": [
                field("applicant_name", "申请人姓名", "text", max_length=30),
                field("applicant_id_number", "申请人身份证号码", "id_number"),
                field("arrival_date", "到岗日期", "date"),
                field("family_size", "共同居住家庭人口", "number", min=1, max=10),
                field("rank", "职级", "choice",
                      choices=["正厅", "副厅", "正处", "副处", "科级及以下"]),
                *APPLICANT_FIELDS,
            ],
        },
        "materials": [
            material("周转住房申请表", original_or_copy="original", medium="paper",
                     source="平台下载", notes="单位审核意见栏须加盖公章。"),
            material("居民身份证"),
            material("婚姻状况证明", notes="已婚提供结婚证，未婚提供户口簿。"),
            material("本市不动产登记查询结果", original_or_copy="original",
                     source="不动产登记中心出具", notes="本人及配偶均需查询。"),
            material("录用、调动或交流任职文件", source="组织人事部门"),
            material("家庭成员户口簿", "deferrable"),
        ],
    },
    {
        "code": "QKB-WX-001", "basic_code": "QKB-WX", "kind": "repair",
        "category": "office_space", "org": "goa-service-centre", "sort_order": 1,
        "content": {
            "name": "办公用房日常维修",
            "keywords": "报修 维修 修理 水电 门窗 空调",
            "item_type": "public_service",
            "summary": "集中办公区办公用房水、电、门窗、空调等日常维修，报修后上门处理。",
            "legal_basis": [
                {"law": OFFICE_SPACE_LAW, "article": "第五章 维修管理",
                 "text": "办公用房维修分为日常维修和大中修。"},
            ],
            "service_objects": ["natural_person", "legal_person"],
            "conditions": "集中办公区内各单位使用的办公用房及公共区域设施设备出现故障。"
                          "因使用人变动而进行的装修改造不属于维修范围。",
            "process_steps": [
                step("网上报修", "描述故障位置和情况，可上传照片。"),
                step("派单", "服务中心即时派单给维修人员。"),
                step("上门维修", "维修人员上门处理，一般故障当日修复。"),
                step("确认评价", "报修人确认修复并评价。"),
            ],
            "legal_days": 5, "promised_days": 2,
            "channels": ["online", "door_to_door"], "visits": 0, "has_appointment": True,
            "place": "报修人办公室（上门服务）", "hours": "工作日全天受理，紧急故障24小时受理",
            "consultation_phone": "0791-88001204", "complaint_phone": COMPLAINT_PHONE,
            "result_name": "维修完成确认", "result_delivery": "平台推送",
            "faq": [
                faq("漏水停电等紧急情况怎么办？", "拨打24小时报修电话0791-88001204，"
                                              "维修人员30分钟内到场。"),
            ],
            "form_fields": [
                field("location", "故障位置", "text", max_length=100, help="楼号、楼层、房间号"),
                field("fault_type", "故障类别", "choice",
                      choices=["水路", "电路", "门窗锁具", "空调", "网络电话", "其他"]),
                field("description", "故障描述", "textarea", max_length=500),
                field("photo", "现场照片", "file", required=False),
                field("contact_phone", "联系电话", "phone"),
            ],
        },
        "materials": [],
    },
    {
        "code": "QKB-WX-002", "basic_code": "QKB-WX", "kind": "generic",
        "category": "office_space", "org": "goa-property", "sort_order": 2,
        "content": {
            "name": "办公用房大中修项目申请",
            "keywords": "大修 中修 维修改造 项目",
            "item_type": "other",
            "summary": "省直机关办公用房需进行大中修的，由使用单位申请，局审核立项。",
            "legal_basis": [
                {"law": OFFICE_SPACE_LAW, "article": "第五章 维修管理",
                 "text": "办公用房维修分为日常维修和大中修。"},
            ],
            "service_objects": ["legal_person"],
            "conditions": "1. 办公用房主体结构、设施设备老化或损坏，日常维修不能解决；\n"
                          "2. 已纳入年度维修计划或属于应急维修；\n"
                          "3. 不得以维修名义进行豪华装修，不得因使用人变动进行装修改造。",
            "process_steps": [
                step("单位申请", "使用单位提交申请报告和维修方案。"),
                step("现场查勘", "房地产管理处会同专业机构现场查勘。"),
                step("可行性研究和设计评审", "组织专家评审方案和预算。"),
                step("审批立项", "局审批并下达项目批复。"),
            ],
            "special_steps": [
                {"name": "专家评审", "limit_days": 10, "counts_toward_limit": False},
                {"name": "现场查勘", "limit_days": 3, "counts_toward_limit": True},
            ],
            "legal_days": 20, "promised_days": 15,
            "channels": ["online", "window"], "visits": 1,
            "place": HALL + "5号窗口", "hours": HOURS,
            "consultation_phone": "0791-88001302", "complaint_phone": COMPLAINT_PHONE,
            "result_name": "维修项目批复", "result_delivery": "平台推送电子批复",
            "faq": [
                faq("评审时间计入办理时限吗？", "专家评审时间不计入承诺时限，会书面告知申请单位。"),
            ],
            "form_fields": [
                field("building", "房屋名称及位置", "text", max_length=100),
                field("area", "维修面积（平方米）", "number", min=1),
                field("budget", "预算金额（万元）", "number", min=0),
                field("reason", "维修理由", "textarea", max_length=1000),
                *APPLICANT_FIELDS,
            ],
        },
        "materials": [
            material("维修申请报告（单位公函）", original_or_copy="original",
                     source="申请单位出具"),
            material("维修方案及预算", source="申请单位或委托的专业机构"),
            material("房屋安全鉴定报告", "deferrable", source="房屋安全鉴定机构",
                     notes="涉及结构安全的必须提供，可在立项前补交。"),
            material("现场照片", "optional", medium="electronic"),
        ],
    },
    {
        "code": "QKB-BG-001", "basic_code": "QKB-BG", "kind": "generic",
        "category": "office_space", "org": "goa-property", "sort_order": 3,
        "content": {
            "name": "办公用房调剂申请",
            "keywords": "办公用房 调整 调剂 配置 用房",
            "item_type": "other",
            "summary": "单位因机构调整、人员增加等需要调整办公用房的，由局统一调剂。",
            "legal_basis": [
                {"law": OFFICE_SPACE_LAW, "article": "第三章 配置管理",
                 "text": "办公用房配置应当严格执行国家标准，优先调剂。"},
            ],
            "implementation_basis": "《党政机关办公用房建设标准》（建标169-2014）",
            "service_objects": ["legal_person"],
            "conditions": "1. 机构编制调整或人员增加，现有办公用房不能满足需要；\n"
                          "2. 调整后人均使用面积不超过标准；\n3. 由单位统一申请。",
            "process_steps": [
                step("单位申请", "提交申请公函和现有用房情况。"),
                step("核查", "房地产管理处核对编制、人数和现有面积。"),
                step("调剂方案", "提出调剂方案，征求单位意见。"),
                step("批复交付", "下达调剂通知，办理交接。"),
            ],
            "special_steps": [
                {"name": "现场核查", "limit_days": 3, "counts_toward_limit": True},
            ],
            "legal_days": 20, "promised_days": 15,
            "channels": ["online", "window"], "visits": 0,
            "place": HALL + "5号窗口", "hours": HOURS,
            "consultation_phone": "0791-88001302", "complaint_phone": COMPLAINT_PHONE,
            "result_name": "办公用房调剂通知", "result_delivery": "平台推送电子文件",
            "faq": [
                faq("面积标准是多少？", "省级正职54平方米、副职42平方米，正厅30、副厅24、正处18、"
                                    "副处12，处级以下9平方米（使用面积）。"),
            ],
            "form_fields": [
                field("reason", "调整事由", "textarea", max_length=1000),
                field("staff_count", "编制内实有人数", "number", min=1),
                field("current_area", "现有办公用房使用面积（平方米）", "number", min=0),
                *APPLICANT_FIELDS,
            ],
        },
        "materials": [
            material("申请公函", original_or_copy="original", source="申请单位出具"),
            material("机构编制批复文件", source="机构编制部门"),
            material("现有办公用房使用情况表", source="平台下载填写"),
        ],
    },
    {
        "code": "QKB-HY-001", "basic_code": "QKB-HY", "kind": "generic",
        "category": "logistics", "org": "goa-service-centre", "sort_order": 1,
        "content": {
            "name": "集中办公区会议室预约",
            "keywords": "会议室 开会 预约 会场",
            "item_type": "public_service",
            "summary": "集中办公区公共会议室（10—200人）网上预约，会务服务保障。",
            "service_objects": ["legal_person"],
            "conditions": "集中办公区内各单位因公务需要使用公共会议室，提前1个工作日预约。",
            "quantity_limits": "同一单位同一时段限预约1间。",
            "process_steps": [
                step("网上预约", "选择会议室、时段并填写会议需求。"),
                step("确认安排", "服务中心确认并安排会务人员。"),
                step("会议保障", "会前调试设备，会后整理会场。"),
            ],
            "legal_days": 3, "promised_days": 1,
            "channels": ["online"], "visits": 0, "has_appointment": True,
            "place": "集中办公区各楼公共会议室", "hours": HOURS,
            "consultation_phone": "0791-88001205", "complaint_phone": COMPLAINT_PHONE,
            "result_name": "会议室使用确认", "result_delivery": "平台推送",
            "faq": [faq("可以临时预约吗？", "当日有空闲会议室的，可致电服务中心即时安排。")],
            "form_fields": [
                # Booked at least a day ahead (conditions); the same day only by phone (FAQ).
                field("meeting_date", "会议日期", "date", not_before="today+1",
                      not_after="today+90",
                      help="请至少提前1天预约，可预约90天内的日期；当日用会请致电服务中心。"),
                field("time_slot", "时段", "choice", choices=["上午", "下午", "全天"]),
                field("attendees", "参会人数", "number", min=1, max=200),
                field("topic", "会议名称", "text", max_length=100),
                field("needs", "会务需求", "textarea", required=False, max_length=500,
                      help="如投影、录音、茶水、桌签"),
                *APPLICANT_FIELDS,
            ],
        },
        "materials": [],
    },
    {
        "code": "QKB-ST-001", "basic_code": "QKB-ST", "kind": "generic",
        "category": "logistics", "org": "goa-service-centre", "sort_order": 2,
        "content": {
            "name": "机关食堂就餐卡办理",
            "keywords": "饭卡 就餐卡 食堂 餐卡 就餐码",
            "item_type": "public_service",
            "summary": "为集中办公区工作人员开通机关食堂就餐码，即时办结。",
            "service_objects": ["natural_person"],
            "conditions": "集中办公区内各单位在职工作人员（含经单位备案的编外人员）。",
            "process_steps": [
                step("网上申请", "核对个人信息后提交。"),
                step("即时开通", "系统核验后当场开通电子就餐码。"),
            ],
            "legal_days": 1, "promised_days": 0, "is_instant": True,
            "channels": ["online", "window"], "visits": 0,
            "place": HALL + "1号窗口", "hours": HOURS,
            "consultation_phone": "0791-88001206", "complaint_phone": COMPLAINT_PHONE,
            "result_name": "电子就餐码", "result_delivery": "平台即时推送",
            "faq": [faq("需要实体卡吗？", "可到1号窗口免费领取实体卡，与电子就餐码通用。")],
            "form_fields": [
                field("staff_type", "人员类别", "choice", choices=["在编人员", "编外备案人员"]),
                *APPLICANT_FIELDS,
            ],
        },
        "materials": [
            material("单位备案证明", "optional", original_or_copy="original",
                     source="所在单位出具", notes="编外人员提供。"),
        ],
    },
    {
        "code": "QKB-MJ-001", "basic_code": "QKB-MJ", "kind": "generic",
        "category": "logistics", "org": "goa-service-centre", "sort_order": 3,
        "content": {
            "name": "集中办公区门禁卡办理",
            "keywords": "门禁 门卡 出入证 人脸 通行",
            "item_type": "public_service",
            "summary": "新入职或调入人员办理集中办公区门禁卡，现场采集人脸，马上就办。",
            "service_objects": ["natural_person"],
            "conditions": "在集中办公区办公的在职工作人员，经所在单位确认。",
            "process_steps": [
                step("网上申请", "填写信息，所在单位线上确认。"),
                step("现场采集", "到服务大厅采集人脸并领取门禁卡，当场办结。"),
            ],
            "legal_days": 3, "promised_days": 0, "is_instant": True,
            "channels": ["online", "window"], "visits": 1,
            "place": HALL + "1号窗口", "hours": HOURS,
            "consultation_phone": "0791-88001206", "complaint_phone": COMPLAINT_PHONE,
            "result_name": "门禁卡", "result_delivery": "窗口当场领取",
            "faq": [faq("门禁卡丢了怎么办？", "在平台挂失后到1号窗口补办，当场办结。")],
            "form_fields": [
                field("holder_name", "持卡人姓名", "text", max_length=30),
                field("building", "办公楼栋", "choice", choices=["1号楼", "2号楼", "3号楼"]),
                *APPLICANT_FIELDS,
            ],
        },
        "materials": [
            material("居民身份证", original_or_copy="original", medium="paper",
                     notes="现场核验，不留存。"),
        ],
    },
    {
        "code": "QKB-ZC-001", "basic_code": "QKB-ZC", "kind": "generic",
        "category": "assets", "org": "goa-assets", "sort_order": 1,
        "content": {
            "name": "省直机关国有资产处置审批",
            "keywords": "资产 处置 报废 出售 调拨",
            "item_type": "other",
            "summary": "省直机关通用资产的报废、出售、调拨等处置事项审批。",
            "legal_basis": [
                {"law": ASSET_LAW, "article": "",
                 "text": "行政事业单位国有资产处置应当按照规定权限履行审批手续，"
                         "未经批准不得处置。"},
            ],
            "service_objects": ["legal_person"],
            "conditions": "1. 资产已达使用年限且无法继续使用，或因技术原因淘汰；\n"
                          "2. 资产产权清晰，账实相符；\n3. 单位内部已履行集体决策程序。",
            "process_steps": [
                step("单位申报", "在平台填报处置资产清单并上传材料。"),
                step("审核", "资产管理处审核资产状况和处置方式。"),
                step("技术鉴定", "必要时委托专业机构鉴定。"),
                step("批复", "下达处置批复，单位按批复处置并核销。"),
            ],
            "special_steps": [
                {"name": "技术鉴定", "limit_days": 10, "counts_toward_limit": False},
            ],
            "legal_days": 20, "promised_days": 12,
            "channels": ["online"], "visits": 0,
            "place": HALL + "6号窗口", "hours": HOURS,
            "consultation_phone": "0791-88001401", "complaint_phone": COMPLAINT_PHONE,
            "result_name": "资产处置批复", "result_delivery": "平台推送电子批复",
            "faq": [faq("电子废弃物怎么处理？", "批复后交由具备资质的回收企业统一回收处理。")],
            "form_fields": [
                field("disposal_type", "处置方式", "choice",
                      choices=["报废", "出售", "无偿调拨", "对外捐赠"]),
                field("asset_count", "资产数量（件）", "number", min=1),
                field("book_value", "账面原值（万元）", "number", min=0),
                field("reason", "处置理由", "textarea", max_length=1000),
                *APPLICANT_FIELDS,
            ],
        },
        "materials": [
            material("资产处置申请公函", original_or_copy="original", source="申请单位出具"),
            material("拟处置资产清单", source="资产管理信息系统导出"),
            material("单位集体决策会议纪要", source="申请单位"),
            material("资产技术鉴定报告", "deferrable", source="专业鉴定机构",
                     notes="报废电子设备等需提供，可在批复前补交。"),
        ],
    },
    {
        "code": "QKB-ZC-002", "basic_code": "QKB-ZC", "kind": "generic",
        "category": "assets", "org": "goa-assets", "sort_order": 2,
        "content": {
            "name": "闲置办公家具调配申请",
            "keywords": "家具 调配 办公桌 文件柜 公物仓",
            "item_type": "public_service",
            "summary": "从局公物仓调配闲置办公家具，节约资产购置支出。",
            "service_objects": ["legal_person"],
            "conditions": "省直机关因新增人员或机构调整需要办公家具，公物仓有可调配库存。",
            "process_steps": [
                step("网上申请", "选择所需家具品类和数量。"),
                step("审核调配", "资产管理处核定数量并安排出库。"),
                step("送货上门", "公物仓送货并安装，单位签收。"),
            ],
            "legal_days": 10, "promised_days": 5,
            "channels": ["online", "door_to_door"], "visits": 0,
            "place": "省直机关公物仓", "hours": HOURS,
            "consultation_phone": "0791-88001402", "complaint_phone": COMPLAINT_PHONE,
            "result_name": "资产调配单", "result_delivery": "送货时交付",
            "faq": [faq("调配家具要付费吗？", "不收费，调入单位按规定登记资产卡片。")],
            "form_fields": [
                field("furniture", "家具品类及数量", "textarea", max_length=500),
                field("delivery_place", "送货地点", "text", max_length=100),
                *APPLICANT_FIELDS,
            ],
        },
        "materials": [],
    },
    {
        "code": "QKB-GC-001", "basic_code": "QKB-GC", "kind": "generic",
        "category": "transport", "org": "goa-service-centre", "sort_order": 2,
        "content": {
            "name": "公务出行用车申请",
            "keywords": "公务用车 派车 用车 车辆保障",
            "item_type": "public_service",
            "summary": "省直机关公务出行由公务用车平台统一调度派车。",
            "legal_basis": [
                {"law": VEHICLE_LAW, "article": "",
                 "text": "公务用车实行集中统一管理，统一调度，严禁公车私用。"},
            ],
            "service_objects": ["legal_person"],
            "conditions": "因公务需要出行，经本单位审批；不得用于私人事务。",
            "process_steps": [
                step("提交申请", "填写出行时间、地点、人数和事由，单位审批。"),
                step("调度派车", "服务中心根据需求调度车辆和驾驶员。"),
                step("出行结算", "出行结束后确认里程并评价。"),
            ],
            "legal_days": 3, "promised_days": 1,
            "channels": ["online"], "visits": 0, "has_appointment": True,
            "place": "省公务用车服务平台", "hours": "全天受理，紧急用车随时调度",
            "consultation_phone": "0791-88001207", "complaint_phone": COMPLAINT_PHONE,
            "is_charged": True, "fee_basis": "省直机关公务用车服务收费标准",
            "fee_standard": "按里程和时长由用车单位结算，从单位公用经费中列支。",
            "result_name": "派车单", "result_delivery": "平台推送",
            "faq": [faq("可以提前多久预约？", "最早可提前7天预约，最晚提前2小时。")],
            "form_fields": [
                # Booked at most 7 days ahead (FAQ).
                field("trip_date", "出行日期", "date", not_before="today", not_after="today+7",
                      help="可预约今天起7天内的用车。"),
                field("return_date", "返程日期", "date", required=False, not_before="today",
                      not_after="today+37", not_before_field="trip_date",
                      help="多日出行时填写；当日往返可不填。"),
                field("destination", "目的地", "text", max_length=100),
                field("passengers", "乘车人数", "number", min=1, max=40),
                field("purpose", "公务事由", "textarea", max_length=500),
                *APPLICANT_FIELDS,
            ],
        },
        "materials": [
            material("单位用车审批单", original_or_copy="original", medium="electronic",
                     source="单位内部审批"),
        ],
    },
    {
        "code": "QKB-GZ-001", "basic_code": "QKB-GZ", "kind": "generic",
        "category": "logistics", "org": "goa-office", "sort_order": 4,
        "content": {
            "name": "机关工作人员工作证办理",
            "keywords": "工作证 证件 胸卡 名片",
            "item_type": "public_service",
            "summary": "为省直机关在职工作人员制发工作证，补办、换发同样适用。",
            "service_objects": ["natural_person"],
            "conditions": "省直机关在编在岗工作人员；职务变动、证件损坏或遗失的可换发补办。",
            "process_steps": [
                step("网上申请", "上传证件照，所在单位人事部门确认。"),
                step("制证", "局办公室审核后统一制证。"),
                step("领取", "到服务大厅领取或由单位统一代领。"),
            ],
            "legal_days": 10, "promised_days": 5,
            "channels": ["online", "window"], "visits": 1,
            "place": HALL + "2号窗口", "hours": HOURS,
            "consultation_phone": "0791-88001101", "complaint_phone": COMPLAINT_PHONE,
            "result_name": "工作证", "result_delivery": "窗口领取或单位代领",
            "faq": [faq("单位可以统一代领吗？",
                        "可以，单位经办人凭单位介绍信统一代领，本人零跑腿。")],
            "form_fields": [
                field("holder_name", "姓名", "text", max_length=30),
                field("position", "职务", "text", max_length=50),
                field("apply_type", "办理类型", "choice", choices=["新办", "换发", "补办"]),
                *APPLICANT_FIELDS,
            ],
        },
        "materials": [
            material("近期免冠证件照", medium="electronic",
                     notes="白底，JPG格式，不小于358×441像素。"),
            material("单位人事部门证明", original_or_copy="original",
                     source="所在单位人事部门出具"),
        ],
    },
    {
        "code": "QKB-JN-001", "basic_code": "QKB-JN", "kind": "generic",
        "category": "other", "org": "goa-energy", "sort_order": 1,
        "content": {
            "name": "公共机构节能诊断服务",
            "keywords": "节能 能耗 诊断 节水 能源审计",
            "item_type": "public_service",
            "summary": "为公共机构上门开展用能诊断，提出节能改造建议。",
            "service_objects": ["legal_person", "other_organisation"],
            "conditions": "省直公共机构（机关、事业单位、团体组织）自愿申请。",
            "process_steps": [
                step("网上申请", "填写单位用能基本情况。"),
                step("上门诊断", "节能处组织技术人员上门检测。"),
                step("出具报告", "出具诊断报告和改造建议。"),
            ],
            "legal_days": 20, "promised_days": 15,
            "channels": ["online", "door_to_door"], "visits": 0, "has_appointment": True,
            "place": "申请单位现场（上门服务）", "hours": HOURS,
            "consultation_phone": "0791-88001501", "complaint_phone": COMPLAINT_PHONE,
            "result_name": "节能诊断报告", "result_delivery": "平台推送电子报告",
            "faq": [faq("诊断收费吗？", "不收费。")],
            "form_fields": [
                field("building_area", "建筑面积（平方米）", "number", min=1),
                field("staff_count", "用能人数", "number", min=1),
                field("concerns", "重点关注问题", "textarea", required=False, max_length=500),
                *APPLICANT_FIELDS,
            ],
        },
        "materials": [
            material("近一年能源消费统计表", "deferrable", source="公共机构能耗统计系统导出"),
        ],
    },
    {
        "code": "QKB-ZX-001", "basic_code": "QKB-ZX", "kind": "enquiry",
        "category": "enquiry", "org": "goa-service-centre", "sort_order": 1,
        "content": {
            "name": "机关事务综合咨询",
            "keywords": "咨询 问答 首问负责 询问",
            "item_type": "public_service",
            "summary": "对机关事务服务的各类咨询，首问负责，当场能答的当场答复。",
            "service_objects": ["natural_person", "legal_person", "other_organisation"],
            "conditions": "无。",
            "process_steps": [
                step("提出咨询", "网上留言、电话或到窗口咨询。"),
                step("首问答复", "首问人员当场答复；不能当场答复的转交承办处室并跟踪。"),
                step("回访", "答复后回访满意度。"),
            ],
            "legal_days": 5, "promised_days": 2,
            "channels": ["online", "window"], "visits": 0,
            "place": HALL + "咨询台", "hours": HOURS,
            "consultation_phone": "0791-88001200", "complaint_phone": COMPLAINT_PHONE,
            "result_name": "咨询答复", "result_delivery": "平台推送或电话答复",
            "faq": [faq("不知道该找哪个处室怎么办？",
                        "直接提交咨询，首问人员负责转交并跟踪到底。")],
            "form_fields": [
                field("topic", "咨询类别", "choice",
                      choices=["办公用房", "住房", "托幼", "停车", "用车", "其他"]),
                field("question", "咨询内容", "textarea", max_length=1000),
                field("contact_phone", "联系电话", "phone"),
            ],
        },
        "materials": [],
    },
    {
        "code": "QKB-TS-001", "basic_code": "QKB-TS", "kind": "complaint",
        "category": "enquiry", "org": "goa-supervision", "sort_order": 2,
        "content": {
            "name": "机关事务监督投诉",
            "keywords": "投诉 举报 监督 差评",
            "item_type": "public_service",
            "summary": "对机关事务服务态度、效率、作风等问题的投诉，限时办理并反馈。",
            "service_objects": ["natural_person", "legal_person", "other_organisation"],
            "conditions": "投诉事项具体、有明确的被投诉对象或服务事项。",
            "process_steps": [
                step("提交投诉", "实名或匿名提交，匿名的凭查询码跟踪。"),
                step("受理交办", "督查室受理并交办责任处室。"),
                step("调查处理", "责任处室调查核实并整改。"),
                step("反馈回访", "向投诉人反馈结果并回访。"),
            ],
            "legal_days": 15, "promised_days": 5,
            "channels": ["online", "window", "post"], "visits": 0,
            "place": "督查室（省行政中心1号楼6楼）", "hours": HOURS,
            "consultation_phone": "0791-88001601", "complaint_phone": "0791-88001600",
            "result_name": "投诉处理结果", "result_delivery": "平台推送或电话反馈",
            "faq": [faq("可以匿名投诉吗？", "可以。匿名投诉提交后获得查询码，凭码查询进度。")],
            "form_fields": [
                field("subject", "投诉事项", "text", max_length=100),
                field("respondent", "被投诉单位或人员", "text", required=False, max_length=100),
                field("content", "投诉内容", "textarea", max_length=2000),
                field("evidence", "证明材料", "file", required=False),
                field("contact_phone", "联系电话", "phone", required=False),
            ],
        },
        "materials": [],
    },
    {
        "code": "QKB-JY-001", "basic_code": "QKB-JY", "kind": "suggestion",
        "category": "enquiry", "org": "goa-office", "sort_order": 3,
        "content": {
            "name": "意见建议征集",
            "keywords": "建议 意见 征集 反馈",
            "item_type": "public_service",
            "summary": "征集服务对象对机关事务工作的意见建议，逐条研究并反馈。",
            "service_objects": ["natural_person", "legal_person", "other_organisation"],
            "conditions": "无。",
            "process_steps": [
                step("提交建议", "在平台提交意见建议。"),
                step("研究办理", "局办公室分送相关处室研究。"),
                step("反馈", "反馈采纳情况。"),
            ],
            "legal_days": 20, "promised_days": 15,
            "channels": ["online", "post"], "visits": 0,
            "place": "局办公室", "hours": HOURS,
            "consultation_phone": "0791-88001102", "complaint_phone": COMPLAINT_PHONE,
            "result_name": "办理反馈", "result_delivery": "平台推送",
            "faq": [faq("建议被采纳会告知吗？", "会。无论是否采纳，均在承诺时限内反馈。")],
            "form_fields": [
                field("topic", "建议主题", "text", max_length=100),
                field("content", "建议内容", "textarea", max_length=2000),
                field("contact_phone", "联系电话", "phone", required=False),
            ],
        },
        "materials": [],
    },
]
